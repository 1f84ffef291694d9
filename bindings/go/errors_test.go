package strongroom

import (
	"errors"
	"strings"
	"testing"
)

// internalStatuses are the C-only statuses this binding never causes on purpose; they are
// ErrInternal.
var internalStatuses = map[string]bool{
	"NullParameter": true, "InsufficientSize": true, "Panic": true, "UnknownError": true,
}

// Every status the C library names (sr_status_name) is either a SPEC error with its own sentinel
// of the same name, or one of the C-only conditions that are ErrInternal: a status added to the
// C ABI without a Go counterpart fails here.
func TestEveryCStatusHasItsSentinel(t *testing.T) {
	named := 0
	for code := uint32(0); code < 1000; code++ {
		name := statusName(code)
		if name == "Invalid" || code == 0 {
			continue
		}
		named++
		sentinel, ok := sentinels[code]
		switch {
		case internalStatuses[name]:
			if ok {
				t.Errorf("status %d (%s) has sentinel %v; it should be ErrInternal", code, name, sentinel)
			}
		case !ok:
			t.Errorf("status %d (%s) has no sentinel", code, name)
		case !strings.EqualFold(sentinel.Error(), "strongroom: "+name): // "Closed" is ErrClosed
			t.Errorf("status %d (%s) maps to %v", code, name, sentinel)
		}
		err := statusToError(code)
		var e *Error
		if !errors.As(err, &e) || e.Status != code || e.Name != name {
			t.Errorf("statusToError(%d) = %#v", code, err)
		}
	}
	if named != len(sentinels)+len(internalStatuses) {
		t.Errorf("%d named statuses, %d sentinels and %d internal ones", named, len(sentinels), len(internalStatuses))
	}
	if statusName(0) != "Ok" {
		t.Errorf("status 0 is %q", statusName(0))
	}
}

// The audit levels are the header's: each is accepted, and a value next to them is refused.
func TestAuditLevelsAreTheHeaders(t *testing.T) {
	for _, level := range []AuditLevel{AuditFull, AuditSummary, AuditOff} {
		ks, err := Create(t.TempDir()+"/ks", pass, &Options{InsecureFastKDFForTests: true, Audit: &AuditOptions{Level: level}})
		must(t, err)
		must(t, ks.Close())
	}
	_, err := Create(t.TempDir()+"/ks", pass, &Options{InsecureFastKDFForTests: true, Audit: &AuditOptions{Level: AuditOff + 1}})
	if !errors.Is(err, ErrValidation) {
		t.Fatalf("level %d: %v", AuditOff+1, err)
	}
}
