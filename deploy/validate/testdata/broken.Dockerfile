# A Dockerfile with every mistake dockerfileProblems looks for; see
# TestDockerfileProblemsDetects. Not a real build.
FROM golang:latest AS build
WORKDIR /src
ENV CGO_ENABLED=1
COPY go.work ./
COPY pkg/go.mod ./
COPY services/fetcher/go.mod services/fetcher/
COPY pkg/ pkg/
COPY services/fetcher/ services/fetcher/
RUN go build -o /out/fetcher ./services/fetcher

FROM alpine
LABEL org.opencontainers.image.title="fetcher"
COPY --from=build /out/fetcher /fetcher
USER root
ENTRYPOINT /fetcher
