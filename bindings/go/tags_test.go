package strongroom

import (
	"testing"
	"time"
)

// Issue 18 item 4: UpdateKeyDescription, tags and GetKeyLastUsage through the C ABI.
func TestDescriptionTagsAndLastUsage(t *testing.T) {
	ks, clock, _ := open(t)
	k, err := ks.CreateKey(&CreateKeyInput{Tags: map[string]string{"Team": "blue", "Env": ""}})
	must(t, err)
	must(t, ks.UpdateKeyDescription(k.KeyId, "payments"))
	m, err := ks.DescribeKey(k.KeyId)
	must(t, err)
	if m.Description != "payments" {
		t.Fatalf("description %q", m.Description)
	}
	must(t, ks.TagResource(k.KeyId, map[string]string{"Team": "red"}))
	must(t, ks.UntagResource(k.KeyId, []string{"Env", "absent"}))
	page, err := ks.ListResourceTags(k.KeyId, 0, "")
	must(t, err)
	if len(page.Tags) != 1 || page.Tags["Team"] != "red" || page.Truncated || page.NextMarker != "" {
		t.Fatalf("tags %+v", page)
	}
	must(t, ks.TagResource(k.KeyId, map[string]string{"A": "1"}))
	first, err := ks.ListResourceTags(k.KeyId, 1, "")
	must(t, err)
	if !first.Truncated || first.Tags["A"] != "1" {
		t.Fatalf("first page %+v", first)
	}
	rest, err := ks.ListResourceTags(k.KeyId, 0, first.NextMarker)
	must(t, err)
	if rest.Truncated || rest.Tags["Team"] != "red" {
		t.Fatalf("second page %+v", rest)
	}
	expect(t, ks.TagResource(k.KeyId, map[string]string{"aws:x": ""}), ErrInvalidTag)
	_, err = ks.ListResourceTags(k.KeyId, 0, "zz")
	expect(t, err, ErrInvalidMarker)
	_, err = ks.ListResourceTags(k.KeyId, 51, "")
	expect(t, err, ErrValidation)

	u, err := ks.GetKeyLastUsage(k.KeyId)
	must(t, err)
	if u.KeyId != k.KeyId || u.Operation != "" || u.Timestamp != nil || u.TrackingStartDate == nil {
		t.Fatalf("unused key %+v", u)
	}
	must(t, clock.Advance(5*time.Millisecond))
	_, err = ks.Encrypt(k.KeyId, []byte("x"), nil)
	must(t, err)
	u, err = ks.GetKeyLastUsage(k.KeyId)
	must(t, err)
	if u.Operation != "Encrypt" || u.Timestamp == nil || u.Timestamp.Before(u.KeyCreationDate) {
		t.Fatalf("used key %+v", u)
	}
	_, err = ks.ScheduleKeyDeletion(k.KeyId, 7)
	must(t, err)
	expect(t, ks.UpdateKeyDescription(k.KeyId, "x"), ErrInvalidState)
}
