package directory

// textIndex is the full-text index over providers.
type textIndex struct{}

// buildText builds d.text from d.providers.
func (d *Directory) buildText() error { return nil }
