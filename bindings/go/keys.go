package strongroom

/*
#include <stdlib.h>
#include "strongroom.h"
*/
import "C"

import (
	"time"
	"unsafe"
)

// KeyMetadata is a key's metadata (AWS KMS KeyMetadata).
type KeyMetadata struct {
	KeyId       string
	Arn         string
	Description string
	// KeySpec is "SYMMETRIC_DEFAULT", ...
	KeySpec string
	// KeyUsage is "ENCRYPT_DECRYPT", ...
	KeyUsage string
	// Origin is "AWS_KMS" or "EXTERNAL" ("STRONGROOM", its earlier name, is accepted on input).
	Origin string
	// KeyState is "Enabled", "Disabled", "PendingDeletion" or "PendingImport".
	KeyState string
	// Enabled is true exactly when KeyState is "Enabled".
	Enabled      bool
	CreationDate time.Time
	// DeletionDate is set while the key is PendingDeletion.
	DeletionDate *time.Time
	// PendingDeletionWindowInDays is set (non-zero) while the key is PendingDeletion
	// (strongroom's own member: AWS shows it only for multi-Region keys).
	PendingDeletionWindowInDays int
	// ValidTo is set for imported material that expires.
	ValidTo *time.Time
	// AWSAccountId is the 12-digit account of the keystore's AWS-form ARNs.
	AWSAccountId string
	// KeyManager is "CUSTOMER".
	KeyManager string
	// MultiRegion is always false: strongroom keys are single-Region.
	MultiRegion bool
	// ExpirationModel is set for an EXTERNAL key with material: "KEY_MATERIAL_EXPIRES" or
	// "KEY_MATERIAL_DOES_NOT_EXPIRE"; else "".
	ExpirationModel string
	// CurrentKeyMaterialId is the id of the key's current material (64 hex characters); "" for
	// an EXTERNAL key before its first import.
	CurrentKeyMaterialId string
	// CustomerMasterKeySpec is the deprecated name of KeySpec ("" for Ed25519 and ML-DSA keys).
	CustomerMasterKeySpec string
	// EncryptionAlgorithms, SigningAlgorithms, MacAlgorithms and KeyAgreementAlgorithms are
	// those the key allows ("SYMMETRIC_DEFAULT", "ECDSA_SHA_256", "HMAC_SHA_256", "ECDH", ...):
	// only the list of the key's usage is non-nil.
	EncryptionAlgorithms   []string
	SigningAlgorithms      []string
	MacAlgorithms          []string
	KeyAgreementAlgorithms []string
}

func metadataFrom(m *C.sr_key_metadata) KeyMetadata {
	return KeyMetadata{
		KeyId:                       goString(m.key_id),
		Arn:                         goString(m.arn),
		Description:                 goString(m.description),
		KeySpec:                     goString(m.key_spec),
		KeyUsage:                    goString(m.key_usage),
		Origin:                      goString(m.origin),
		KeyState:                    goString(m.key_state),
		Enabled:                     bool(m.enabled),
		CreationDate:                fromMillis(int64(m.creation_date)),
		DeletionDate:                optTime(m.has_deletion_date, m.deletion_date),
		PendingDeletionWindowInDays: int(m.pending_deletion_window_in_days),
		ValidTo:                     optTime(m.has_valid_to, m.valid_to),
		AWSAccountId:                goString(m.aws_account_id),
		KeyManager:                  goString(m.key_manager),
		MultiRegion:                 bool(m.multi_region),
		ExpirationModel:             goString(m.expiration_model),
		CurrentKeyMaterialId:        C.GoString(&m.current_key_material_id[0]),
		CustomerMasterKeySpec:       goString(m.customer_master_key_spec),
		EncryptionAlgorithms:        namesFrom(m.encryption_algorithms, m.encryption_algorithms_len),
		SigningAlgorithms:           namesFrom(m.signing_algorithms, m.signing_algorithms_len),
		MacAlgorithms:               namesFrom(m.mac_algorithms, m.mac_algorithms_len),
		KeyAgreementAlgorithms:      namesFrom(m.key_agreement_algorithms, m.key_agreement_algorithms_len),
	}
}

// CreateKeyInput holds CreateKey's optional arguments; "" means the default.
type CreateKeyInput struct {
	// Description: 0 to 8192 characters.
	Description string
	// KeySpec: default "SYMMETRIC_DEFAULT"; or an asymmetric or HMAC spec ("RSA_2048",
	// "ECC_NIST_P256", "ECC_NIST_EDWARDS25519", "ML_DSA_65", "HMAC_256", ...; docs/key-types.md).
	KeySpec string
	// KeyUsage: default "ENCRYPT_DECRYPT" where the spec allows it, else the spec's only usage
	// ("SIGN_VERIFY", "GENERATE_VERIFY_MAC"); ECC NIST keys need "SIGN_VERIFY" or
	// "KEY_AGREEMENT" given.
	KeyUsage string
	// Origin: default "AWS_KMS"; "EXTERNAL" makes a key pending import.
	Origin string
	// Tags: tag key to value (the bounds of TagResource).
	Tags map[string]string
	// Policy: the key policy (AWS's JSON policy document); default AWS's default key policy.
	Policy string
	// BypassPolicyLockoutSafetyCheck accepts a policy that would let no principal change it.
	BypassPolicyLockoutSafetyCheck bool
}

// CreateKey creates a key and its first backing-key version (AWS KMS CreateKey). in may be nil.
func (ks *Keystore) CreateKey(in *CreateKeyInput) (*KeyMetadata, error) {
	if in == nil {
		in = &CreateKeyInput{}
	}
	var args [5]*C.char
	for i, s := range []struct{ v, what string }{
		{in.Description, "Description"}, {in.KeySpec, "KeySpec"}, {in.KeyUsage, "KeyUsage"}, {in.Origin, "Origin"},
		{in.Policy, "Policy"},
	} {
		p, err := optCString(s.v, s.what)
		if err != nil {
			freeAll(args[:]...)
			return nil, err
		}
		args[i] = p
	}
	defer freeAll(args[:]...)
	tags, err := newTags(in.Tags)
	if err != nil {
		return nil, err
	}
	defer tags.free()
	var out *C.sr_key_metadata
	if err := ks.with(func(p *C.sr_keystore) C.sr_status {
		return C.sr_create_key_with_policy(p, args[0], args[1], args[2], args[3], tags.items, tags.n,
			args[4], C.bool(in.BypassPolicyLockoutSafetyCheck), &out)
	}); err != nil {
		return nil, err
	}
	defer C.sr_key_metadata_free(out)
	m := metadataFrom(out)
	return &m, nil
}

// keyCall runs a call that takes the keystore and one key id.
func (ks *Keystore) keyCall(keyID string, f func(p *C.sr_keystore, id *C.char) C.sr_status) error {
	id, err := cString(keyID, "keyID")
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(id))
	return ks.with(func(p *C.sr_keystore) C.sr_status { return f(p, id) })
}

// DescribeKey returns a key's metadata, in any state (AWS KMS DescribeKey). keyID is a key id,
// key ARN, alias name or alias ARN.
func (ks *Keystore) DescribeKey(keyID string) (*KeyMetadata, error) {
	var out *C.sr_key_metadata
	if err := ks.keyCall(keyID, func(p *C.sr_keystore, id *C.char) C.sr_status {
		return C.sr_describe_key(p, id, &out)
	}); err != nil {
		return nil, err
	}
	defer C.sr_key_metadata_free(out)
	m := metadataFrom(out)
	return &m, nil
}

// ListKeys returns every key's metadata, ordered by key id (AWS KMS ListKeys).
func (ks *Keystore) ListKeys() ([]KeyMetadata, error) {
	var out *C.sr_key_metadata_list
	if err := ks.with(func(p *C.sr_keystore) C.sr_status { return C.sr_list_keys(p, &out) }); err != nil {
		return nil, err
	}
	defer C.sr_key_metadata_list_free(out)
	return keysFrom(out), nil
}

// keysFrom copies a C key list's entries into Go memory (the caller frees the list).
func keysFrom(out *C.sr_key_metadata_list) []KeyMetadata {
	keys := make([]KeyMetadata, 0, int(out.len))
	for _, m := range unsafe.Slice(out.items, int(out.len)) {
		m := m
		keys = append(keys, metadataFrom(&m))
	}
	return keys
}

// EnableKey enables a key (AWS KMS EnableKey).
func (ks *Keystore) EnableKey(keyID string) error {
	return ks.keyCall(keyID, func(p *C.sr_keystore, id *C.char) C.sr_status { return C.sr_enable_key(p, id) })
}

// DisableKey disables a key: it refuses every cryptographic use until enabled (AWS KMS
// DisableKey).
func (ks *Keystore) DisableKey(keyID string) error {
	return ks.keyCall(keyID, func(p *C.sr_keystore, id *C.char) C.sr_status { return C.sr_disable_key(p, id) })
}

// AliasListEntry is one alias (AWS KMS AliasListEntry).
type AliasListEntry struct {
	AliasName       string
	AliasArn        string
	TargetKeyId     string
	CreationDate    time.Time
	LastUpdatedDate time.Time
}

func (ks *Keystore) aliasCall(aliasName, keyID string, f func(p *C.sr_keystore, name, id *C.char) C.sr_status) error {
	name, err := cString(aliasName, "aliasName")
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(name))
	return ks.keyCall(keyID, func(p *C.sr_keystore, id *C.char) C.sr_status { return f(p, name, id) })
}

// CreateAlias creates aliasName ("alias/...") pointing at targetKeyID (AWS KMS CreateAlias).
func (ks *Keystore) CreateAlias(aliasName, targetKeyID string) error {
	return ks.aliasCall(aliasName, targetKeyID, func(p *C.sr_keystore, n, id *C.char) C.sr_status {
		return C.sr_create_alias(p, n, id)
	})
}

// UpdateAlias points an existing alias at another key (AWS KMS UpdateAlias).
func (ks *Keystore) UpdateAlias(aliasName, targetKeyID string) error {
	return ks.aliasCall(aliasName, targetKeyID, func(p *C.sr_keystore, n, id *C.char) C.sr_status {
		return C.sr_update_alias(p, n, id)
	})
}

// DeleteAlias deletes an alias; its key stays (AWS KMS DeleteAlias).
func (ks *Keystore) DeleteAlias(aliasName string) error {
	return ks.keyCall(aliasName, func(p *C.sr_keystore, n *C.char) C.sr_status { return C.sr_delete_alias(p, n) })
}

// ListAliases returns the aliases, ordered by name (AWS KMS ListAliases): all of them if keyID
// is "", else those pointing at that key.
func (ks *Keystore) ListAliases(keyID string) ([]AliasListEntry, error) {
	id, err := optCString(keyID, "keyID")
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(id))
	var out *C.sr_alias_list
	if err := ks.with(func(p *C.sr_keystore) C.sr_status { return C.sr_list_aliases(p, id, &out) }); err != nil {
		return nil, err
	}
	defer C.sr_alias_list_free(out)
	return aliasesFrom(out), nil
}

// aliasesFrom copies a C alias list's entries into Go memory (the caller frees the list).
func aliasesFrom(out *C.sr_alias_list) []AliasListEntry {
	aliases := make([]AliasListEntry, 0, int(out.len))
	for _, a := range unsafe.Slice(out.items, int(out.len)) {
		aliases = append(aliases, AliasListEntry{
			AliasName:       goString(a.alias_name),
			AliasArn:        goString(a.alias_arn),
			TargetKeyId:     goString(a.target_key_id),
			CreationDate:    fromMillis(int64(a.creation_date)),
			LastUpdatedDate: fromMillis(int64(a.last_updated_date)),
		})
	}
	return aliases
}
