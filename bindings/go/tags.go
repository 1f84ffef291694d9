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

// cTags is a list of tags in C memory; free it with free.
type cTags struct {
	items *C.sr_tag_input
	n     C.size_t
}

func newTags(tags map[string]string) (cTags, error) {
	if len(tags) == 0 {
		return cTags{}, nil
	}
	size := C.size_t(unsafe.Sizeof(C.sr_tag_input{}))
	mem := (*C.sr_tag_input)(C.calloc(C.size_t(len(tags)), size))
	t := cTags{items: mem, n: C.size_t(len(tags))}
	items := unsafe.Slice(mem, len(tags))
	i := 0
	for k, v := range tags {
		ck, err := cString(k, "tag key")
		if err != nil {
			t.free()
			return cTags{}, err
		}
		items[i].tag_key = ck
		cv, err := cString(v, "tag value")
		if err != nil {
			t.free()
			return cTags{}, err
		}
		items[i].tag_value = cv
		i++
	}
	return t, nil
}

func (t cTags) free() {
	if t.items == nil {
		return
	}
	for _, p := range unsafe.Slice(t.items, int(t.n)) {
		C.free(unsafe.Pointer(p.tag_key))
		C.free(unsafe.Pointer(p.tag_value))
	}
	C.free(unsafe.Pointer(t.items))
}

// UpdateKeyDescription replaces a key's description, 0 to 8192 characters (AWS KMS
// UpdateKeyDescription); ErrInvalidState while the key is pending deletion.
func (ks *Keystore) UpdateKeyDescription(keyID, description string) error {
	d, err := cString(description, "description")
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(d))
	return ks.keyCall(keyID, func(p *C.sr_keystore, id *C.char) C.sr_status {
		return C.sr_update_key_description(p, id, d)
	})
}

// TagResource adds tags (tag key to value) to a key, replacing the value of a tag key it already
// has (AWS KMS TagResource). A tag key starting with "aws:" is ErrInvalidTag; more than 50 tags
// on the key ErrLimitExceeded; a key pending deletion ErrInvalidState.
func (ks *Keystore) TagResource(keyID string, tags map[string]string) error {
	t, err := newTags(tags)
	if err != nil {
		return err
	}
	defer t.free()
	return ks.keyCall(keyID, func(p *C.sr_keystore, id *C.char) C.sr_status {
		return C.sr_tag_resource(p, id, t.items, t.n)
	})
}

// UntagResource removes the tags of these tag keys from a key (AWS KMS UntagResource); a tag key
// the key does not have is not an error.
func (ks *Keystore) UntagResource(keyID string, tagKeys []string) error {
	n := len(tagKeys)
	var arr **C.char
	if n > 0 {
		arr = (**C.char)(C.calloc(C.size_t(n), C.size_t(unsafe.Sizeof((*C.char)(nil)))))
		defer C.free(unsafe.Pointer(arr))
	}
	items := unsafe.Slice(arr, n)
	defer func() { freeAll(items...) }()
	for i, k := range tagKeys {
		c, err := cString(k, "tag key")
		if err != nil {
			return err
		}
		items[i] = c
	}
	return ks.keyCall(keyID, func(p *C.sr_keystore, id *C.char) C.sr_status {
		return C.sr_untag_resource(p, id, arr, C.size_t(n))
	})
}

// ResourceTags is one page of a key's tags (AWS KMS ListResourceTags).
type ResourceTags struct {
	// Tags maps tag keys to values.
	Tags map[string]string
	// Truncated says more tags follow; pass NextMarker to get them.
	Truncated bool
	// NextMarker is where the next page starts, when Truncated.
	NextMarker string
}

// ListResourceTags returns one page of a key's tags, in tag-key order (AWS KMS
// ListResourceTags). limit is 1 to 50, or 0 for the default (50); marker is "" for the first
// page, else a previous page's NextMarker (ErrInvalidMarker otherwise).
func (ks *Keystore) ListResourceTags(keyID string, limit uint32, marker string) (*ResourceTags, error) {
	m, err := optCString(marker, "marker")
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(m))
	var out *C.sr_tag_list
	if err := ks.keyCall(keyID, func(p *C.sr_keystore, id *C.char) C.sr_status {
		return C.sr_list_resource_tags(p, id, C.uint32_t(limit), m, &out)
	}); err != nil {
		return nil, err
	}
	defer C.sr_tag_list_free(out)
	r := &ResourceTags{Tags: make(map[string]string, int(out.len)), Truncated: bool(out.truncated)}
	for _, t := range unsafe.Slice(out.items, int(out.len)) {
		r.Tags[goString(t.tag_key)] = goString(t.tag_value)
	}
	if out.next_marker != nil {
		r.NextMarker = goString(out.next_marker)
	}
	return r, nil
}

// KeyLastUsage says when and by which cryptographic operation a key was last used (AWS KMS
// GetKeyLastUsage).
type KeyLastUsage struct {
	KeyId string
	// Operation is "Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey" or
	// "GenerateDataKeyWithoutPlaintext"; "" if the key has not been used since TrackingStartDate.
	Operation string
	// Timestamp is when; nil if unused.
	Timestamp *time.Time
	// TrackingStartDate is since when uses are tracked; nil if the keystore never tracked
	// (every session so far had audit level OFF).
	TrackingStartDate *time.Time
	KeyCreationDate   time.Time
}

// GetKeyLastUsage returns a key's last use, in any state (AWS KMS GetKeyLastUsage).
func (ks *Keystore) GetKeyLastUsage(keyID string) (*KeyLastUsage, error) {
	var out *C.sr_key_last_usage
	if err := ks.keyCall(keyID, func(p *C.sr_keystore, id *C.char) C.sr_status {
		return C.sr_get_key_last_usage(p, id, &out)
	}); err != nil {
		return nil, err
	}
	defer C.sr_key_last_usage_free(out)
	u := &KeyLastUsage{
		KeyId:             goString(out.key_id),
		TrackingStartDate: optTime(out.has_tracking_start_date, out.tracking_start_date),
		KeyCreationDate:   fromMillis(int64(out.key_creation_date)),
	}
	if out.operation != nil {
		u.Operation = goString(out.operation)
		t := fromMillis(int64(out.timestamp))
		u.Timestamp = &t
	}
	return u, nil
}
