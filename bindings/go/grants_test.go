package strongroom

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// The account root: Go cannot create IAM users (strongroom iam), so every grant here is to it.
const root = "arn:aws:iam::111122223333:root"

func TestGrants(t *testing.T) {
	ks, clock, _ := open(t)
	k, err := ks.CreateKey(nil)
	must(t, err)
	subset := &GrantConstraints{EncryptionContextSubset: map[string]string{"tenant": "acme"}}
	in := &CreateGrantInput{
		KeyId:             k.KeyId,
		GranteePrincipal:  root,
		Operations:        []string{"Encrypt", "Decrypt"},
		RetiringPrincipal: root,
		Constraints:       subset,
		Name:              "app-grant",
	}
	g, err := ks.CreateGrant(in)
	must(t, err)
	if len(g.GrantId) != 64 || g.GrantToken == "" {
		t.Fatalf("created %+v", g)
	}
	// The same name and arguments give the same grant.
	again, err := ks.CreateGrant(in)
	must(t, err)
	if again.GrantId != g.GrantId {
		t.Fatalf("a retry made another grant: %s, %s", again.GrantId, g.GrantId)
	}
	must(t, clock.Advance(time.Second))
	equals := &GrantConstraints{EncryptionContextEquals: map[string]string{}}
	other, err := ks.CreateGrant(&CreateGrantInput{KeyId: k.KeyId, GranteePrincipal: root,
		Operations: []string{"GenerateDataKey"}, Constraints: equals})
	must(t, err)

	first, err := ks.ListGrants(&ListGrantsInput{KeyId: k.KeyId, Limit: 1})
	must(t, err)
	if len(first.Grants) != 1 || !first.Truncated || first.NextMarker == "" {
		t.Fatalf("first page %+v", first)
	}
	e := first.Grants[0]
	if e.GrantId != g.GrantId || !strings.HasSuffix(e.KeyId, k.KeyId) || e.Name != "app-grant" ||
		e.GranteePrincipal != root || e.RetiringPrincipal != root || e.IssuingAccount != root ||
		!reflect.DeepEqual(e.Operations, []string{"Encrypt", "Decrypt"}) ||
		!reflect.DeepEqual(e.Constraints, subset) || !e.CreationDate.Equal(t0) {
		t.Fatalf("entry %+v (constraints %+v)", e, e.Constraints)
	}
	rest, err := ks.ListGrants(&ListGrantsInput{KeyId: k.KeyId, Marker: first.NextMarker})
	must(t, err)
	if len(rest.Grants) != 1 || rest.Truncated || rest.NextMarker != "" {
		t.Fatalf("second page %+v", rest)
	}
	e = rest.Grants[0]
	// An empty EncryptionContextEquals is kept (it allows only requests without a context).
	if e.GrantId != other.GrantId || e.Name != "" || e.RetiringPrincipal != "" ||
		e.Constraints == nil || e.Constraints.EncryptionContextEquals == nil ||
		len(e.Constraints.EncryptionContextEquals) != 0 || e.Constraints.EncryptionContextSubset != nil {
		t.Fatalf("second entry %+v (constraints %+v)", e, e.Constraints)
	}
	byID, err := ks.ListGrants(&ListGrantsInput{KeyId: k.KeyId, GrantId: other.GrantId})
	must(t, err)
	if len(byID.Grants) != 1 || byID.Grants[0].GrantId != other.GrantId {
		t.Fatalf("by id %+v", byID)
	}
	none, err := ks.ListGrants(&ListGrantsInput{KeyId: k.KeyId, GranteePrincipal: "arn:aws:iam::111122223333:user/nobody"})
	must(t, err)
	if len(none.Grants) != 0 {
		t.Fatalf("by grantee %+v", none)
	}
	retirable, err := ks.ListRetirableGrants(&ListRetirableGrantsInput{RetiringPrincipal: root})
	must(t, err)
	if len(retirable.Grants) != 1 || retirable.Grants[0].GrantId != g.GrantId {
		t.Fatalf("retirable %+v", retirable)
	}

	// Refusals create nothing.
	for _, bad := range []*CreateGrantInput{
		{KeyId: k.KeyId, GranteePrincipal: root, Operations: []string{"Encrypt", "Fly"}},
		{KeyId: k.KeyId, GranteePrincipal: root},
		{KeyId: k.KeyId, GranteePrincipal: root, Operations: []string{"DescribeKey"}, Constraints: subset},
		{KeyId: k.KeyId, GranteePrincipal: "arn:aws:iam::111122223333:user/nobody", Operations: []string{"Encrypt"}},
		{KeyId: k.KeyId, GranteePrincipal: root, Operations: []string{"Encrypt\x00"}},
	} {
		_, err := ks.CreateGrant(bad)
		expect(t, err, ErrValidation)
	}
	_, err = ks.CreateGrant(&CreateGrantInput{KeyId: "alias/none", GranteePrincipal: root, Operations: []string{"Encrypt"}})
	expect(t, err, ErrNotFound)
	_, err = ks.ListGrants(&ListGrantsInput{KeyId: k.KeyId, Marker: "zz"})
	expect(t, err, ErrInvalidMarker)
	_, err = ks.ListGrants(&ListGrantsInput{KeyId: k.KeyId, Limit: 101})
	expect(t, err, ErrValidation)
	all, err := ks.ListGrants(&ListGrantsInput{KeyId: k.KeyId})
	must(t, err)
	if len(all.Grants) != 2 {
		t.Fatalf("after refusals: %d grants", len(all.Grants))
	}

	expect(t, ks.RetireGrant(nil), ErrValidation)
	expect(t, ks.RetireGrant(&RetireGrantInput{GrantToken: "not-a-token"}), ErrInvalidGrantToken)
	must(t, ks.RetireGrant(&RetireGrantInput{GrantToken: g.GrantToken}))
	expect(t, ks.RetireGrant(&RetireGrantInput{GrantToken: g.GrantToken}), ErrNotFound)
	must(t, ks.RevokeGrant(k.KeyId, other.GrantId))
	expect(t, ks.RevokeGrant(k.KeyId, other.GrantId), ErrNotFound)
	third, err := ks.CreateGrant(&CreateGrantInput{KeyId: k.KeyId, GranteePrincipal: root, Operations: []string{"DescribeKey"}})
	must(t, err)
	must(t, ks.RetireGrant(&RetireGrantInput{KeyId: k.KeyId, GrantId: third.GrantId}))
	all, err = ks.ListGrants(&ListGrantsInput{KeyId: k.KeyId})
	must(t, err)
	if len(all.Grants) != 0 {
		t.Fatalf("left: %+v", all.Grants)
	}
}
