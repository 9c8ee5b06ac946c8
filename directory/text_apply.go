package directory

import "context"

// apply returns the text index of next, a version made by Apply from
// old: removed are the slots whose old providers left (or changed), added
// the slots whose new providers arrived (or changed).
func (t *textIndex) apply(ctx context.Context, old, next *Directory, removed, added []int32) (*textIndex, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := next.buildText(ctx); err != nil {
		return nil, err
	}
	return next.text, nil
}
