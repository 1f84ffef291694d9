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

// KeyRotationStatus says whether and when a key rotates (AWS KMS GetKeyRotationStatus).
type KeyRotationStatus struct {
	KeyId              string
	KeyRotationEnabled bool
	// RotationPeriodInDays is set (non-zero) while automatic rotation is on.
	RotationPeriodInDays int
	// NextRotationDate is set while automatic rotation is on.
	NextRotationDate *time.Time
	// OnDemandRotationStartDate is set while an on-demand rotation is in progress (never:
	// they complete within the call).
	OnDemandRotationStartDate *time.Time
}

// RotationsListEntry is one rotation of a key (AWS KMS RotationsListEntry).
type RotationsListEntry struct {
	KeyId        string
	RotationDate time.Time
	// RotationType is "AUTOMATIC" or "ON_DEMAND"; "INITIAL" for the first material (listed only
	// with "ALL_KEY_MATERIAL").
	RotationType string
	// KeyMaterialId is the material's id (64 hex characters).
	KeyMaterialId string
	// ImportState is "IMPORTED" or "PENDING_IMPORT" for an EXTERNAL key's material; else "".
	ImportState string
	// KeyMaterialState is "CURRENT" or "NON_CURRENT".
	KeyMaterialState string
	// ExpirationModel is an EXTERNAL key's expiration model; else "".
	ExpirationModel string
	// ValidTo is set for expiring imported material.
	ValidTo *time.Time
	// KeyMaterialDescription is the description an import gave an EXTERNAL key's material; "" if
	// none.
	KeyMaterialDescription string
}

// EnableKeyRotation turns on automatic rotation every rotationPeriodInDays (90 to 2560; 0 means
// 365) (AWS KMS EnableKeyRotation).
func (ks *Keystore) EnableKeyRotation(keyID string, rotationPeriodInDays uint32) error {
	return ks.keyCall(keyID, func(p *C.sr_keystore, id *C.char) C.sr_status {
		return C.sr_enable_key_rotation(p, id, C.uint32_t(rotationPeriodInDays))
	})
}

// DisableKeyRotation turns off automatic rotation (AWS KMS DisableKeyRotation).
func (ks *Keystore) DisableKeyRotation(keyID string) error {
	return ks.keyCall(keyID, func(p *C.sr_keystore, id *C.char) C.sr_status {
		return C.sr_disable_key_rotation(p, id)
	})
}

// GetKeyRotationStatus reports whether and when the key rotates (AWS KMS GetKeyRotationStatus).
func (ks *Keystore) GetKeyRotationStatus(keyID string) (*KeyRotationStatus, error) {
	var out *C.sr_key_rotation_status
	if err := ks.keyCall(keyID, func(p *C.sr_keystore, id *C.char) C.sr_status {
		return C.sr_get_key_rotation_status(p, id, &out)
	}); err != nil {
		return nil, err
	}
	defer C.sr_key_rotation_status_free(out)
	return &KeyRotationStatus{
		KeyId:                     goString(out.key_id),
		KeyRotationEnabled:        bool(out.key_rotation_enabled),
		RotationPeriodInDays:      int(out.rotation_period_in_days),
		NextRotationDate:          optTime(out.has_next_rotation_date, out.next_rotation_date),
		OnDemandRotationStartDate: optTime(out.has_on_demand_rotation_start_date, out.on_demand_rotation_start_date),
	}, nil
}

// RotateKeyOnDemand adds a backing-key version now (AWS KMS RotateKeyOnDemand); at most 25 per
// key (ErrLimitExceeded beyond).
func (ks *Keystore) RotateKeyOnDemand(keyID string) error {
	return ks.keyCall(keyID, func(p *C.sr_keystore, id *C.char) C.sr_status {
		return C.sr_rotate_key_on_demand(p, id)
	})
}

// ListKeyRotations returns the key's rotations, oldest first (AWS KMS ListKeyRotations).
func (ks *Keystore) ListKeyRotations(keyID string) ([]RotationsListEntry, error) {
	return ks.ListKeyRotationsWith(keyID, "")
}

// ListKeyRotationsWith is ListKeyRotations with AWS KMS's IncludeKeyMaterial:
// "ROTATIONS_ONLY" (or "") lists the rotations, "ALL_KEY_MATERIAL" the first material too.
func (ks *Keystore) ListKeyRotationsWith(keyID, includeKeyMaterial string) ([]RotationsListEntry, error) {
	include, err := optCString(includeKeyMaterial, "includeKeyMaterial")
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(include))
	var out *C.sr_rotations_list
	if err := ks.keyCall(keyID, func(p *C.sr_keystore, id *C.char) C.sr_status {
		return C.sr_list_key_rotations_with(p, id, include, &out)
	}); err != nil {
		return nil, err
	}
	defer C.sr_rotations_list_free(out)
	return rotationsFrom(out), nil
}

// rotationsFrom copies a C rotations list's entries into Go memory (the caller frees the list).
func rotationsFrom(out *C.sr_rotations_list) []RotationsListEntry {
	list := make([]RotationsListEntry, 0, int(out.len))
	for _, e := range unsafe.Slice(out.items, int(out.len)) {
		list = append(list, RotationsListEntry{
			KeyId:                  goString(e.key_id),
			RotationDate:           fromMillis(int64(e.rotation_date)),
			RotationType:           goString(e.rotation_type),
			KeyMaterialId:          C.GoString(&e.key_material_id[0]),
			ImportState:            goString(e.import_state),
			KeyMaterialState:       goString(e.key_material_state),
			ExpirationModel:        goString(e.expiration_model),
			ValidTo:                optTime(e.has_valid_to, e.valid_to),
			KeyMaterialDescription: goString(e.key_material_description),
		})
	}
	return list
}

// ScheduleKeyDeletion schedules the key's destruction after pendingWindowInDays (7 to 30; 0
// means 30) and returns the deletion date (AWS KMS ScheduleKeyDeletion).
func (ks *Keystore) ScheduleKeyDeletion(keyID string, pendingWindowInDays uint32) (time.Time, error) {
	var date C.int64_t
	err := ks.keyCall(keyID, func(p *C.sr_keystore, id *C.char) C.sr_status {
		return C.sr_schedule_key_deletion(p, id, C.uint32_t(pendingWindowInDays), &date)
	})
	if err != nil {
		return time.Time{}, err
	}
	return fromMillis(int64(date)), nil
}

// CancelKeyDeletion cancels a scheduled deletion; the key comes back Disabled (AWS KMS
// CancelKeyDeletion).
func (ks *Keystore) CancelKeyDeletion(keyID string) error {
	return ks.keyCall(keyID, func(p *C.sr_keystore, id *C.char) C.sr_status {
		return C.sr_cancel_key_deletion(p, id)
	})
}
