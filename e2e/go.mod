module github.com/newsflow/newsflow/e2e

go 1.26

require github.com/newsflow/newsflow/pkg v0.0.0

replace github.com/newsflow/newsflow/pkg => ../pkg
