package strongroom

import (
	"errors"
	"strings"
	"testing"
)

// A policy may name only users the keystore has (strongroom iam, which Go does not expose): this
// one names the account root, and userPolicy, naming a user, is refused.
const (
	adminPolicy = `{"Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}}`
	userPolicy  = `{"Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/admin"}, "Action": "kms:*", "Resource": "*"}}`
)

func TestKeyPolicies(t *testing.T) {
	ks, _, _ := open(t)
	k, err := ks.CreateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	def, err := ks.GetKeyPolicy(k.KeyId, "")
	if err != nil || !strings.Contains(def, `"Sid" : "Enable IAM User Permissions"`) {
		t.Fatalf("default policy %q, %v", def, err)
	}
	if err := ks.PutKeyPolicy(k.KeyId, "default", adminPolicy, false); err != nil {
		t.Fatal(err)
	}
	if got, err := ks.GetKeyPolicy(k.KeyId, "default"); err != nil || got != adminPolicy {
		t.Fatalf("policy %q, %v", got, err)
	}
	if names, err := ks.ListKeyPolicies(k.KeyId); err != nil || len(names) != 1 || names[0] != "default" {
		t.Fatalf("names %v, %v", names, err)
	}
	if err := ks.PutKeyPolicy(k.KeyId, "", "{", true); !errors.Is(err, ErrMalformedPolicyDocument) {
		t.Fatalf("malformed policy: %v", err)
	}
	if err := ks.PutKeyPolicy(k.KeyId, "", userPolicy, false); !errors.Is(err, ErrMalformedPolicyDocument) || !strings.Contains(err.Error(), "user/admin is not a user") {
		t.Fatalf("a policy naming a user the keystore does not have: %v", err)
	}
	withPolicy, err := ks.CreateKey(&CreateKeyInput{Policy: adminPolicy, Tags: map[string]string{"Team": "payments"}})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := ks.GetKeyPolicy(withPolicy.KeyId, ""); got != adminPolicy {
		t.Fatalf("CreateKey's policy: %q", got)
	}
	if tags, err := ks.ListResourceTags(withPolicy.KeyId, 0, ""); err != nil || len(tags.Tags) != 1 || tags.Tags["Team"] != "payments" {
		t.Fatalf("CreateKey's tags with a policy: %+v, %v", tags, err)
	}
	if _, err := ks.CreateKey(&CreateKeyInput{Policy: "[]"}); !errors.Is(err, ErrMalformedPolicyDocument) {
		t.Fatalf("CreateKey with a bad policy: %v", err)
	}
}
