package errlist

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestList(t *testing.T) {
	var l List
	if l.Join(nil) != nil {
		t.Fatal("an empty list has no error")
	}
	sentinel := errors.New("bad row")
	for i := range Max + 250 {
		l.Add(fmt.Errorf("row %d: %w", i, sentinel))
	}
	if l.Len() != Max+250 {
		t.Fatalf("Len = %d, want %d", l.Len(), Max+250)
	}
	err := l.Join(func(omitted, total int) error { return fmt.Errorf("and %d more (%d in all)", omitted, total) })
	if !errors.Is(err, sentinel) {
		t.Fatal("the kept problems are wrapped")
	}
	if got := strings.Count(err.Error(), "bad row"); got != Max {
		t.Fatalf("%d problems kept, want %d", got, Max)
	}
	if !strings.HasSuffix(err.Error(), "and 250 more (350 in all)") {
		t.Fatalf("the count of the rest is last: %q", err.Error()[len(err.Error())-40:])
	}
}
