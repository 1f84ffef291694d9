package strongroom

/*
#include <stdlib.h>
#include "strongroom.h"
*/
import "C"

import "unsafe"

// Key policies bind the callers of `strongroom serve` (docs/policies.md). A Keystore holds the
// passphrase and acts as the account root: a policy never restricts it.

// PutKeyPolicy replaces a key's policy (AWS KMS PutKeyPolicy). policyName "" means "default",
// the only name a policy has. A policy that does not parse, names an unknown principal or, unless
// bypassPolicyLockoutSafetyCheck, would let no principal change it again is
// ErrMalformedPolicyDocument.
func (ks *Keystore) PutKeyPolicy(keyID, policyName, policy string, bypassPolicyLockoutSafetyCheck bool) error {
	name, err := optCString(policyName, "policyName")
	if err != nil {
		return err
	}
	defer freeAll(name)
	text, err := cString(policy, "policy")
	if err != nil {
		return err
	}
	defer freeAll(text)
	return ks.keyCall(keyID, func(p *C.sr_keystore, id *C.char) C.sr_status {
		return C.sr_put_key_policy(p, id, name, text, C.bool(bypassPolicyLockoutSafetyCheck))
	})
}

// GetKeyPolicy returns a key's policy text (AWS KMS GetKeyPolicy): as it was given, or AWS's
// default key policy. policyName "" means "default".
func (ks *Keystore) GetKeyPolicy(keyID, policyName string) (string, error) {
	name, err := optCString(policyName, "policyName")
	if err != nil {
		return "", err
	}
	defer freeAll(name)
	var out *C.char
	if err := ks.keyCall(keyID, func(p *C.sr_keystore, id *C.char) C.sr_status {
		return C.sr_get_key_policy(p, id, name, &out)
	}); err != nil {
		return "", err
	}
	defer C.sr_string_free(out)
	return C.GoString(out), nil
}

// ListKeyPolicies returns the names of a key's policies: ["default"] (AWS KMS ListKeyPolicies).
func (ks *Keystore) ListKeyPolicies(keyID string) ([]string, error) {
	var out *C.sr_string_list
	if err := ks.keyCall(keyID, func(p *C.sr_keystore, id *C.char) C.sr_status {
		return C.sr_list_key_policies(p, id, &out)
	}); err != nil {
		return nil, err
	}
	defer C.sr_string_list_free(out)
	names := make([]string, 0, int(out.len))
	for _, s := range unsafe.Slice(out.items, int(out.len)) {
		names = append(names, C.GoString(s))
	}
	return names, nil
}
