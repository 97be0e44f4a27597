package postgres

import "context"

// TextShare exposes textShare to the external tests.
func (s *Store) TextShare(ctx context.Context, text string) (float64, error) {
	return s.textShare(ctx, text)
}
