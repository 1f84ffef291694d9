package strongroom

/*
#include <stdlib.h>
#include "strongroom.h"
*/
import "C"

import (
	"encoding/json"
	"time"
	"unsafe"
)

// Grants, like key policies, bind the callers of `strongroom serve` (docs/policies.md). A
// Keystore holds the passphrase and acts as the account root: it manages every grant and no
// grant restricts it.

// GrantConstraints limits a grant to requests whose encryption context matches (AWS KMS
// GrantConstraints; at most one of the two). A nil map is absent; an empty, non-nil map is
// present and empty (EncryptionContextEquals then allows only requests without a context).
type GrantConstraints struct {
	// EncryptionContextEquals: the request's encryption context must be exactly this.
	EncryptionContextEquals map[string]string
	// EncryptionContextSubset: the request's encryption context must include every pair of this.
	EncryptionContextSubset map[string]string
}

// toJSON is AWS's JSON shape of the constraints, as the C ABI takes it: a member for each
// non-nil map.
func (c *GrantConstraints) toJSON() (string, error) {
	m := map[string]map[string]string{}
	if c.EncryptionContextEquals != nil {
		m["EncryptionContextEquals"] = c.EncryptionContextEquals
	}
	if c.EncryptionContextSubset != nil {
		m["EncryptionContextSubset"] = c.EncryptionContextSubset
	}
	b, err := json.Marshal(m)
	if err != nil {
		return "", internalError("the grant constraints do not encode as JSON: " + err.Error())
	}
	return string(b), nil
}

// constraintsFrom reads AWS's JSON shape as the C ABI returns it (NULL: no constraints).
func constraintsFrom(p *C.char) (*GrantConstraints, error) {
	if p == nil {
		return nil, nil
	}
	var m map[string]map[string]string
	if err := json.Unmarshal([]byte(C.GoString(p)), &m); err != nil {
		return nil, internalError("strongroom returned grant constraints that are not JSON: " + err.Error())
	}
	return &GrantConstraints{
		EncryptionContextEquals: m["EncryptionContextEquals"],
		EncryptionContextSubset: m["EncryptionContextSubset"],
	}, nil
}

// internalError is an ErrInternal for a condition this binding should never meet.
func internalError(message string) error {
	return &Error{Status: uint32(C.SR_STATUS_UNKNOWN_ERROR), Name: "UnknownError",
		Message: "UnknownError: " + message, sentinel: ErrInternal}
}

// CreateGrantInput holds CreateGrant's arguments (AWS KMS CreateGrantInput).
type CreateGrantInput struct {
	// KeyId: the key (key id, key ARN, alias name or alias ARN).
	KeyId string
	// GranteePrincipal: who the grant allows, arn:aws:iam::ACCOUNT:user/NAME (a user of the
	// keystore) or arn:aws:iam::ACCOUNT:root.
	GranteePrincipal string
	// Operations: at least one of AWS's grant operations ("Decrypt", "Encrypt",
	// "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo",
	// "Sign", "Verify", "GetPublicKey", "CreateGrant", "RetireGrant", "DescribeKey",
	// "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "GenerateMac", "VerifyMac",
	// "DeriveSharedSecret"); another name is ErrValidation.
	Operations []string
	// RetiringPrincipal: who may retire the grant besides its grantee (optional; the same forms).
	RetiringPrincipal string
	// Constraints on the encryption context (optional; only with operations that take one).
	Constraints *GrantConstraints
	// Name (optional): creating a grant with the same name and arguments as an existing one
	// returns that one.
	Name string
}

// CreateGrantOutput is what CreateGrant returns (AWS KMS CreateGrantOutput).
type CreateGrantOutput struct {
	// GrantId is the grant's id (64 hexadecimal digits).
	GrantId string
	// GrantToken names the grant in RetireGrant.
	GrantToken string
}

// CreateGrant creates a grant on a key (AWS KMS CreateGrant). Invalid arguments (an unknown
// operation, constraints with an operation that takes no encryption context, a principal the
// keystore does not have) are ErrValidation; a key pending deletion is ErrInvalidState. Nothing
// is created on failure.
func (ks *Keystore) CreateGrant(in *CreateGrantInput) (*CreateGrantOutput, error) {
	if in == nil {
		in = &CreateGrantInput{}
	}
	grantee, err := cString(in.GranteePrincipal, "GranteePrincipal")
	if err != nil {
		return nil, err
	}
	defer freeAll(grantee)
	var args [3]*C.char // retiring principal, constraints, name
	defer func() { freeAll(args[:]...) }()
	constraints := ""
	if in.Constraints != nil {
		if constraints, err = in.Constraints.toJSON(); err != nil {
			return nil, err
		}
	}
	for i, s := range []struct{ v, what string }{
		{in.RetiringPrincipal, "RetiringPrincipal"}, {constraints, "Constraints"}, {in.Name, "Name"},
	} {
		if args[i], err = optCString(s.v, s.what); err != nil {
			return nil, err
		}
	}
	n := len(in.Operations)
	var ops **C.char
	if n > 0 {
		ops = (**C.char)(C.calloc(C.size_t(n), C.size_t(unsafe.Sizeof((*C.char)(nil)))))
		defer C.free(unsafe.Pointer(ops))
	}
	items := unsafe.Slice(ops, n)
	defer func() { freeAll(items...) }()
	for i, o := range in.Operations {
		if items[i], err = cString(o, "operation"); err != nil {
			return nil, err
		}
	}
	var token, id *C.char
	if err := ks.keyCall(in.KeyId, func(p *C.sr_keystore, key *C.char) C.sr_status {
		return C.sr_create_grant(p, key, grantee, args[0], ops, C.size_t(n), args[1], args[2], &token, &id)
	}); err != nil {
		return nil, err
	}
	defer C.sr_string_free(token)
	defer C.sr_string_free(id)
	return &CreateGrantOutput{GrantId: goString(id), GrantToken: goString(token)}, nil
}

// GrantListEntry is one grant (AWS KMS GrantListEntry).
type GrantListEntry struct {
	// KeyId is the key's ARN.
	KeyId   string
	GrantId string
	// Name is "" if the grant was created without one.
	Name             string
	CreationDate     time.Time
	GranteePrincipal string
	// RetiringPrincipal is "" if the grant has none.
	RetiringPrincipal string
	// IssuingAccount is the account root of the account that created the grant.
	IssuingAccount string
	// Operations are AWS's grant operation names ("Encrypt", ...).
	Operations []string
	// Constraints is nil if the grant has none.
	Constraints *GrantConstraints
}

// ListGrantsInput holds ListGrants's arguments (AWS KMS ListGrantsInput).
type ListGrantsInput struct {
	// KeyId: the key (key id, key ARN, alias name or alias ARN).
	KeyId string
	// GrantId: only this grant (optional).
	GrantId string
	// GranteePrincipal: only the grants to this principal (optional).
	GranteePrincipal string
	// Limit: 1 to 100, or 0 for the default (50).
	Limit uint32
	// Marker: "" for the first page, else a previous page's NextMarker (ErrInvalidMarker
	// otherwise).
	Marker string
}

// ListGrantsOutput is one page of grants, oldest first (AWS KMS ListGrantsOutput).
type ListGrantsOutput struct {
	Grants []GrantListEntry
	// Truncated says more grants follow; pass NextMarker to get them.
	Truncated bool
	// NextMarker is where the next page starts, when Truncated.
	NextMarker string
}

// ListRetirableGrantsOutput is one page of ListRetirableGrants: the shape of ListGrants's (as in
// AWS KMS's API, where both return a ListGrantsResponse).
type ListRetirableGrantsOutput = ListGrantsOutput

// grantsFrom copies a C grant list into Go memory (the caller frees the list).
func grantsFrom(l *C.sr_grant_list) (*ListGrantsOutput, error) {
	out := &ListGrantsOutput{Grants: make([]GrantListEntry, 0, int(l.len)), Truncated: bool(l.truncated)}
	if l.next_marker != nil {
		out.NextMarker = goString(l.next_marker)
	}
	for _, g := range unsafe.Slice(l.items, int(l.len)) {
		constraints, err := constraintsFrom(g.constraints)
		if err != nil {
			return nil, err
		}
		ops := make([]string, 0, int(g.operations_len))
		for _, o := range unsafe.Slice(g.operations, int(g.operations_len)) {
			ops = append(ops, goString(o))
		}
		out.Grants = append(out.Grants, GrantListEntry{
			KeyId:             goString(g.key_id),
			GrantId:           goString(g.grant_id),
			Name:              goString(g.name),
			CreationDate:      fromMillis(int64(g.creation_date)),
			GranteePrincipal:  goString(g.grantee_principal),
			RetiringPrincipal: goString(g.retiring_principal),
			IssuingAccount:    goString(g.issuing_account),
			Operations:        ops,
			Constraints:       constraints,
		})
	}
	return out, nil
}

// ListGrants returns one page of a key's grants, oldest first (AWS KMS ListGrants): all of
// them, or only grant GrantId and/or only those to GranteePrincipal.
func (ks *Keystore) ListGrants(in *ListGrantsInput) (*ListGrantsOutput, error) {
	if in == nil {
		in = &ListGrantsInput{}
	}
	var args [3]*C.char // grant id, grantee principal, marker
	defer func() { freeAll(args[:]...) }()
	for i, s := range []struct{ v, what string }{
		{in.GrantId, "GrantId"}, {in.GranteePrincipal, "GranteePrincipal"}, {in.Marker, "Marker"},
	} {
		var err error
		if args[i], err = optCString(s.v, s.what); err != nil {
			return nil, err
		}
	}
	var out *C.sr_grant_list
	if err := ks.keyCall(in.KeyId, func(p *C.sr_keystore, id *C.char) C.sr_status {
		return C.sr_list_grants(p, id, args[0], args[1], C.uint32_t(in.Limit), args[2], &out)
	}); err != nil {
		return nil, err
	}
	defer C.sr_grant_list_free(out)
	return grantsFrom(out)
}

// ListRetirableGrantsInput holds ListRetirableGrants's arguments (AWS KMS
// ListRetirableGrantsInput).
type ListRetirableGrantsInput struct {
	// RetiringPrincipal: the principal whose retirable grants to list.
	RetiringPrincipal string
	// Limit: 1 to 100, or 0 for the default (50).
	Limit uint32
	// Marker: "" for the first page, else a previous page's NextMarker.
	Marker string
}

// ListRetirableGrants returns one page of the grants, on every key, whose retiring principal is
// RetiringPrincipal, oldest first (AWS KMS ListRetirableGrants).
func (ks *Keystore) ListRetirableGrants(in *ListRetirableGrantsInput) (*ListRetirableGrantsOutput, error) {
	if in == nil {
		in = &ListRetirableGrantsInput{}
	}
	retiring, err := cString(in.RetiringPrincipal, "RetiringPrincipal")
	if err != nil {
		return nil, err
	}
	defer freeAll(retiring)
	marker, err := optCString(in.Marker, "Marker")
	if err != nil {
		return nil, err
	}
	defer freeAll(marker)
	var out *C.sr_grant_list
	if err := ks.with(func(p *C.sr_keystore) C.sr_status {
		return C.sr_list_retirable_grants(p, retiring, C.uint32_t(in.Limit), marker, &out)
	}); err != nil {
		return nil, err
	}
	defer C.sr_grant_list_free(out)
	return grantsFrom(out)
}

// RetireGrantInput names the grant RetireGrant retires (AWS KMS RetireGrantInput): by
// GrantToken, or by KeyId and GrantId.
type RetireGrantInput struct {
	// GrantToken: the token CreateGrant returned.
	GrantToken string
	// KeyId: the key (with GrantId, when there is no GrantToken).
	KeyId string
	// GrantId: the grant's id (with KeyId).
	GrantId string
}

// RetireGrant retires a grant (AWS KMS RetireGrant). Naming it neither way is ErrValidation; a
// token strongroom did not issue ErrInvalidGrantToken; a grant that does not exist ErrNotFound.
func (ks *Keystore) RetireGrant(in *RetireGrantInput) error {
	if in == nil {
		in = &RetireGrantInput{}
	}
	var args [3]*C.char // grant token, key id, grant id
	defer func() { freeAll(args[:]...) }()
	for i, s := range []struct{ v, what string }{
		{in.GrantToken, "GrantToken"}, {in.KeyId, "KeyId"}, {in.GrantId, "GrantId"},
	} {
		var err error
		if args[i], err = optCString(s.v, s.what); err != nil {
			return err
		}
	}
	return ks.with(func(p *C.sr_keystore) C.sr_status {
		return C.sr_retire_grant(p, args[0], args[1], args[2])
	})
}

// RevokeGrant revokes grant grantID of a key (AWS KMS RevokeGrant); ErrNotFound if the key has
// no such grant.
func (ks *Keystore) RevokeGrant(keyID, grantID string) error {
	g, err := cString(grantID, "grantID")
	if err != nil {
		return err
	}
	defer freeAll(g)
	return ks.keyCall(keyID, func(p *C.sr_keystore, id *C.char) C.sr_status {
		return C.sr_revoke_grant(p, id, g)
	})
}
