package strongroom

/*
#include <stdlib.h>
#include <string.h>
#include "strongroom.h"
*/
import "C"

import (
	"runtime"
	"time"
	"unsafe"
)

// ParametersForImport is what GetParametersForImport returns (AWS KMS GetParametersForImport).
type ParametersForImport struct {
	// KeyId is the ARN of the key the parameters are for.
	KeyId string
	// ImportToken goes to ImportKeyMaterial; valid once, until ParametersValidTo.
	ImportToken []byte
	// PublicKey is the RSA wrapping key, DER SubjectPublicKeyInfo.
	PublicKey         []byte
	ParametersValidTo time.Time
}

// GetParametersForImport returns a fresh RSA wrapping public key and import token for an
// EXTERNAL key. wrappingAlgorithm: "RSAES_OAEP_SHA_256" (recommended), "RSAES_OAEP_SHA_1",
// "RSA_AES_KEY_WRAP_SHA_256" or "RSA_AES_KEY_WRAP_SHA_1" (RSA keys need one of the last two);
// wrappingKeySpec: "RSA_2048", "RSA_3072" or "RSA_4096". The material is 32 bytes for a
// symmetric key, the raw key for an HMAC key, a PKCS#8 DER private key for RSA and ECC keys
// (docs/import.md).
func (ks *Keystore) GetParametersForImport(keyID, wrappingAlgorithm, wrappingKeySpec string) (*ParametersForImport, error) {
	alg, err := cString(wrappingAlgorithm, "wrappingAlgorithm")
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(alg))
	spec, err := cString(wrappingKeySpec, "wrappingKeySpec")
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(spec))
	var out *C.sr_parameters_for_import
	if err := ks.keyCall(keyID, func(p *C.sr_keystore, id *C.char) C.sr_status {
		return C.sr_get_parameters_for_import(p, id, alg, spec, &out)
	}); err != nil {
		return nil, err
	}
	defer C.sr_parameters_for_import_free(out)
	return &ParametersForImport{
		KeyId:             goString(out.key_id),
		ImportToken:       C.GoBytes(unsafe.Pointer(out.import_token.data), C.int(out.import_token.len)),
		PublicKey:         C.GoBytes(unsafe.Pointer(out.public_key.data), C.int(out.public_key.len)),
		ParametersValidTo: fromMillis(int64(out.parameters_valid_to)),
	}, nil
}

// ImportKeyMaterial imports key material wrapped under GetParametersForImport's public key (AWS
// KMS ImportKeyMaterial). expirationModel is "KEY_MATERIAL_EXPIRES" (also when "": AWS KMS's
// default), which needs validTo (without it ErrValidation), or "KEY_MATERIAL_DOES_NOT_EXPIRE"
// (validTo nil).
func (ks *Keystore) ImportKeyMaterial(keyID string, importToken, encryptedKeyMaterial []byte, expirationModel string, validTo *time.Time) error {
	model, err := optCString(expirationModel, "expirationModel")
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(model))
	tok, tokLen := bytesArg(importToken)
	mat, matLen := bytesArg(encryptedKeyMaterial)
	var has C.bool
	var ms C.int64_t
	if validTo != nil {
		has, ms = true, C.int64_t(validTo.UnixMilli())
	}
	err = ks.keyCall(keyID, func(p *C.sr_keystore, id *C.char) C.sr_status {
		return C.sr_import_key_material(p, id, tok, tokLen, mat, matLen, model, has, ms)
	})
	runtime.KeepAlive(importToken)
	runtime.KeepAlive(encryptedKeyMaterial)
	return err
}

// ImportKeyMaterialInput holds ImportKeyMaterialWith's arguments (AWS KMS
// ImportKeyMaterialInput).
type ImportKeyMaterialInput struct {
	// KeyId: the EXTERNAL key (key id, key ARN, alias name or alias ARN).
	KeyId string
	// ImportToken and EncryptedKeyMaterial: from GetParametersForImport, and the material
	// wrapped under its public key.
	ImportToken, EncryptedKeyMaterial []byte
	// ExpirationModel: "KEY_MATERIAL_DOES_NOT_EXPIRE" (also when "": SPEC section 7's default;
	// ValidTo nil), or "KEY_MATERIAL_EXPIRES", which needs ValidTo.
	ExpirationModel string
	// ValidTo: when the material expires, at most 365 days ahead.
	ValidTo *time.Time
	// ImportType: "NEW_KEY_MATERIAL" or "EXISTING_KEY_MATERIAL"; "" decides by the key's
	// history. Checked, with KeyMaterialId, before the token is used.
	ImportType string
	// KeyMaterialId: the key's existing material (64 hex characters, as ListKeyRotationsWith
	// reports it); "" for none.
	KeyMaterialId string
	// KeyMaterialDescription: 1 to 256 letters, digits, whitespace and ": / _ . -", which
	// ListKeyRotationsWith reports; "" keeps the one an earlier import gave.
	KeyMaterialDescription string
}

// ImportKeyMaterialWith imports key material with every member of AWS KMS ImportKeyMaterial and
// returns the imported material's id. NEW_KEY_MATERIAL for a key that had material is
// ErrUnsupportedOperation; EXISTING_KEY_MATERIAL for a key that never had any, a KeyMaterialId
// with NEW_KEY_MATERIAL or one that is not 64 hex characters ErrValidation; an id that is not the
// key's ErrNotFound. A refused claim leaves the token valid.
func (ks *Keystore) ImportKeyMaterialWith(in *ImportKeyMaterialInput) (string, error) {
	if in == nil {
		in = &ImportKeyMaterialInput{}
	}
	args, err := cStrings(
		cArg{in.KeyId, "KeyId", false},
		cArg{in.ExpirationModel, "ExpirationModel", true},
		cArg{in.ImportType, "ImportType", true},
		cArg{in.KeyMaterialId, "KeyMaterialId", true},
		cArg{in.KeyMaterialDescription, "KeyMaterialDescription", true},
	)
	if err != nil {
		return "", err
	}
	defer freeAll(args...)
	tok, tokLen := bytesArg(in.ImportToken)
	mat, matLen := bytesArg(in.EncryptedKeyMaterial)
	var has C.bool
	var ms C.int64_t
	if in.ValidTo != nil {
		has, ms = true, C.int64_t(in.ValidTo.UnixMilli())
	}
	var id [C.SR_KEY_MATERIAL_ID_SIZE]C.char
	err = ks.with(func(p *C.sr_keystore) C.sr_status {
		return C.sr_import_key_material_with(p, args[0], tok, tokLen, mat, matLen, args[1], has, ms,
			args[2], args[3], args[4], &id[0])
	})
	runtime.KeepAlive(in.ImportToken)
	runtime.KeepAlive(in.EncryptedKeyMaterial)
	if err != nil {
		return "", err
	}
	return C.GoString(&id[0]), nil
}

// DeleteImportedKeyMaterial deletes an EXTERNAL key's material; it goes back to PendingImport
// (AWS KMS DeleteImportedKeyMaterial).
func (ks *Keystore) DeleteImportedKeyMaterial(keyID string) error {
	return ks.keyCall(keyID, func(p *C.sr_keystore, id *C.char) C.sr_status {
		return C.sr_delete_imported_key_material(p, id)
	})
}

// AuditEvent is one event of the audit trail.
type AuditEvent struct {
	Sequence  uint64
	EventTime time.Time
	Caller    string
	// Operation is the AWS KMS operation name ("Encrypt", "CreateKey", ...).
	Operation string
	// KeyId is "" for calls not about a key.
	KeyId string
	// KeyVersion is the backing-key version used, 0 if none.
	KeyVersion        uint32
	EncryptionContext map[string]string
	// Outcome is "ok" or the error name.
	Outcome string
	// Count is 1, or the number of calls a summary event stands for.
	Count uint64
}

// AuditFilter selects audit events: every field that is set must match.
type AuditFilter struct {
	KeyId     string
	Operation string
	Outcome   string
	StartTime *time.Time
	EndTime   *time.Time
}

// cFilter is a C audit filter; free releases its strings.
type cFilter struct {
	f    *C.sr_audit_filter
	strs []*C.char
}

func newFilter(f *AuditFilter) (cFilter, error) {
	if f == nil {
		return cFilter{}, nil
	}
	c := cFilter{f: (*C.sr_audit_filter)(C.calloc(1, C.size_t(unsafe.Sizeof(C.sr_audit_filter{}))))}
	for _, s := range []struct {
		v    string
		dst  **C.char
		what string
	}{{f.KeyId, &c.f.key_id, "KeyId"}, {f.Operation, &c.f.operation, "Operation"}, {f.Outcome, &c.f.outcome, "Outcome"}} {
		p, err := optCString(s.v, s.what)
		if err != nil {
			c.free()
			return cFilter{}, err
		}
		*s.dst = p
		c.strs = append(c.strs, p)
	}
	if f.StartTime != nil {
		c.f.has_start_time, c.f.start_time = true, C.int64_t(f.StartTime.UnixMilli())
	}
	if f.EndTime != nil {
		c.f.has_end_time, c.f.end_time = true, C.int64_t(f.EndTime.UnixMilli())
	}
	return c, nil
}

func (c cFilter) free() {
	freeAll(c.strs...)
	C.free(unsafe.Pointer(c.f))
}

// AuditEvents returns the events matching filter (nil: all), oldest first.
func (ks *Keystore) AuditEvents(filter *AuditFilter) ([]AuditEvent, error) {
	f, err := newFilter(filter)
	if err != nil {
		return nil, err
	}
	defer f.free()
	var out *C.sr_audit_event_list
	if err := ks.with(func(p *C.sr_keystore) C.sr_status { return C.sr_audit_events(p, f.f, &out) }); err != nil {
		return nil, err
	}
	defer C.sr_audit_event_list_free(out)
	events := make([]AuditEvent, 0, int(out.len))
	for _, e := range unsafe.Slice(out.items, int(out.len)) {
		ev := AuditEvent{
			Sequence:          uint64(e.sequence),
			EventTime:         fromMillis(int64(e.event_time)),
			Caller:            goString(e.caller),
			Operation:         goString(e.operation),
			KeyId:             goString(e.key_id),
			EncryptionContext: map[string]string{},
			Outcome:           goString(e.outcome),
			Count:             uint64(e.count),
		}
		if bool(e.has_key_version) {
			ev.KeyVersion = uint32(e.key_version)
		}
		if e.encryption_context_len > 0 {
			for _, pair := range unsafe.Slice(e.encryption_context, int(e.encryption_context_len)) {
				ev.EncryptionContext[goString(pair.key)] = goString(pair.value)
			}
		}
		events = append(events, ev)
	}
	return events, nil
}

// VerifyAudit verifies the audit trail's hash chain and signed head and returns the number of
// events verified; ErrCorrupt names the first event that does not verify.
func (ks *Keystore) VerifyAudit() (uint64, error) {
	var n C.uint64_t
	err := ks.with(func(p *C.sr_keystore) C.sr_status { return C.sr_verify_audit(p, &n) })
	return uint64(n), err
}

// ExportAuditJSONL returns the events matching filter (nil: all) as JSON Lines.
func (ks *Keystore) ExportAuditJSONL(filter *AuditFilter) ([]byte, error) {
	f, err := newFilter(filter)
	if err != nil {
		return nil, err
	}
	defer f.free()
	var out C.sr_buffer
	if err := ks.with(func(p *C.sr_keystore) C.sr_status { return C.sr_export_audit_jsonl(p, f.f, &out) }); err != nil {
		return nil, err
	}
	return takeBuffer(&out), nil
}
