package strongroom

import (
	"strings"
	"testing"
)

// TestDryRun: a view from DryRun checks calls completely and changes nothing; an allowed call is
// ErrDryRunOperation, a refused one its real error.
func TestDryRun(t *testing.T) {
	ks, _, _ := open(t)
	k := newKey(t, ks)
	blob, err := ks.Encrypt(k.KeyId, []byte("secret"), map[string]string{"app": "x"})
	must(t, err)
	before, err := ks.GetKeyLastUsage(k.KeyId)
	must(t, err)
	dry, err := ks.DryRun()
	must(t, err)
	defer func() { _ = dry.Close() }()

	_, err = dry.Encrypt(k.KeyId, []byte("secret"), nil)
	expect(t, err, ErrDryRunOperation)
	if !strings.Contains(err.Error(), "The request would have succeeded, but the DryRun option is set.") {
		t.Fatalf("message: %v", err)
	}
	_, err = dry.Decrypt(blob, map[string]string{"app": "x"}, "")
	expect(t, err, ErrDryRunOperation)
	_, err = dry.GenerateDataKey(k.KeyId, "", 0, nil)
	expect(t, err, ErrDryRunOperation)
	_, err = dry.CreateGrant(&CreateGrantInput{KeyId: k.KeyId, GranteePrincipal: root, Operations: []string{"Encrypt"}})
	expect(t, err, ErrDryRunOperation)
	// Nothing changed: no grant, and no use became the key's last use.
	grants, err := ks.ListGrants(&ListGrantsInput{KeyId: k.KeyId})
	must(t, err)
	if len(grants.Grants) != 0 {
		t.Fatalf("a dry run created a grant: %+v", grants.Grants)
	}
	after, err := ks.GetKeyLastUsage(k.KeyId)
	must(t, err)
	if after.Operation != before.Operation || !after.Timestamp.Equal(*before.Timestamp) {
		t.Fatalf("a dry run was recorded as a use: %+v, before %+v", after, before)
	}
	g, err := ks.CreateGrant(&CreateGrantInput{KeyId: k.KeyId, GranteePrincipal: root, Operations: []string{"Encrypt"}})
	must(t, err)
	expect(t, dry.RevokeGrant(k.KeyId, g.GrantId), ErrDryRunOperation)
	grants, err = ks.ListGrants(&ListGrantsInput{KeyId: k.KeyId})
	must(t, err)
	if len(grants.Grants) != 1 {
		t.Fatalf("a dry run revoked a grant: %+v", grants.Grants)
	}

	// Refused calls report the refusal.
	bad := append([]byte(nil), blob...)
	bad[len(bad)-1] ^= 1
	_, err = dry.Decrypt(bad, map[string]string{"app": "x"}, "")
	expect(t, err, ErrInvalidCiphertext)
	_, err = dry.Encrypt("alias/none", []byte("x"), nil)
	expect(t, err, ErrNotFound)
	must(t, ks.DisableKey(k.KeyId))
	_, err = dry.Encrypt(k.KeyId, []byte("x"), nil)
	expect(t, err, ErrDisabled)
	must(t, ks.EnableKey(k.KeyId))

	// A view has no alarm of its own.
	expect(t, dry.SetAlarm(func(AlarmEvent) {}), ErrValidation)
	// Closing the view ends only the view.
	must(t, dry.Close())
	_, err = dry.Encrypt(k.KeyId, []byte("x"), nil)
	expect(t, err, ErrClosed)
	_, err = ks.Encrypt(k.KeyId, []byte("x"), nil)
	must(t, err)
	// Closing the keystore ends every view.
	other, err := ks.DryRun()
	must(t, err)
	must(t, ks.Close())
	_, err = other.Encrypt(k.KeyId, []byte("x"), nil)
	expect(t, err, ErrClosed)
	must(t, other.Close())
	_, err = ks.DryRun()
	expect(t, err, ErrClosed)
}
