package strongroom

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"
)

func str(s string) *string { return &s }

// The seeds' scenario: store a database password, read it, rotate it with PutSecretValue, read
// the previous version, delete with a 7-day window, restore; then force-delete.
func TestSecretsScenario(t *testing.T) {
	ks, clock, _ := open(t)
	k := newKey(t, ks)
	c, err := ks.CreateSecret(&CreateSecretInput{Name: "prod/db", Description: "the database",
		KmsKeyId: k.KeyId, SecretString: str(`{"password":"hunter2"}`),
		Tags: []Tag{{Key: "team", Value: "db"}, {Key: "env", Value: "prod"}}})
	must(t, err)
	if !strings.HasPrefix(c.ARN, "arn:aws:secretsmanager:") || c.Name != "prod/db" || len(c.VersionId) != 36 {
		t.Fatalf("created %+v", c)
	}
	v, err := ks.GetSecretValue(&GetSecretValueInput{SecretId: c.ARN})
	must(t, err)
	if v.SecretString == nil || *v.SecretString != `{"password":"hunter2"}` || v.SecretBinary != nil ||
		v.VersionId != c.VersionId || !reflect.DeepEqual(v.VersionStages, []string{"AWSCURRENT"}) ||
		!v.CreatedDate.Equal(t0) || v.ARN != c.ARN {
		t.Fatalf("value %+v", v)
	}

	must(t, clock.Advance(time.Second))
	bin := []byte{0xde, 0, 0xad}
	p, err := ks.PutSecretValue(&PutSecretValueInput{SecretId: "prod/db", SecretBinary: bin})
	must(t, err)
	if !reflect.DeepEqual(p.VersionStages, []string{"AWSCURRENT"}) || p.VersionId == c.VersionId {
		t.Fatalf("put %+v", p)
	}
	v, err = ks.GetSecretValue(&GetSecretValueInput{SecretId: "prod/db"})
	must(t, err)
	if v.SecretString != nil || !bytes.Equal(v.SecretBinary, bin) || v.VersionId != p.VersionId {
		t.Fatalf("current %+v", v)
	}
	prev, err := ks.GetSecretValue(&GetSecretValueInput{SecretId: "prod/db", VersionStage: "AWSPREVIOUS"})
	must(t, err)
	if *prev.SecretString != `{"password":"hunter2"}` || prev.VersionId != c.VersionId {
		t.Fatalf("previous %+v", prev)
	}

	d, err := ks.DescribeSecret(&DescribeSecretInput{SecretId: "prod/db"})
	must(t, err)
	if d.Description != "the database" || !strings.HasSuffix(d.KmsKeyId, k.KeyId) || d.DeletedDate != nil ||
		!reflect.DeepEqual(d.Tags, []Tag{{"team", "db"}, {"env", "prod"}}) ||
		!reflect.DeepEqual(d.VersionIdsToStages, map[string][]string{
			c.VersionId: {"AWSPREVIOUS"}, p.VersionId: {"AWSCURRENT"}}) {
		t.Fatalf("described %+v", d)
	}
	if day := t0.Truncate(24 * time.Hour); d.LastAccessedDate == nil || !d.LastAccessedDate.Equal(day) {
		t.Fatalf("last accessed %v, want %v", d.LastAccessedDate, day)
	}

	// A disabled key: the value cannot be read nor replaced; the metadata stays readable.
	must(t, ks.DisableKey(k.KeyId))
	_, err = ks.GetSecretValue(&GetSecretValueInput{SecretId: "prod/db"})
	expect(t, err, ErrDecryptionFailure)
	_, err = ks.PutSecretValue(&PutSecretValueInput{SecretId: "prod/db", SecretString: str("x")})
	expect(t, err, ErrEncryptionFailure)
	_, err = ks.DescribeSecret(&DescribeSecretInput{SecretId: "prod/db"})
	must(t, err)
	must(t, ks.EnableKey(k.KeyId))

	del, err := ks.DeleteSecret(&DeleteSecretInput{SecretId: "prod/db", RecoveryWindowInDays: 7})
	must(t, err)
	if del.DeletionDate == nil || del.DeletionDate.Before(t0.Add(7*day)) {
		t.Fatalf("deleted %+v", del)
	}
	_, err = ks.GetSecretValue(&GetSecretValueInput{SecretId: "prod/db"})
	expect(t, err, ErrInvalidState)
	l, err := ks.ListSecrets(nil)
	must(t, err)
	if len(l.SecretList) != 0 {
		t.Fatalf("a secret scheduled for deletion is listed: %+v", l)
	}
	l, err = ks.ListSecrets(&ListSecretsInput{IncludePlannedDeletion: true})
	must(t, err)
	if len(l.SecretList) != 1 || l.SecretList[0].DeletedDate == nil {
		t.Fatalf("listed %+v", l)
	}
	r, err := ks.RestoreSecret(&RestoreSecretInput{SecretId: "prod/db"})
	must(t, err)
	if r.Name != "prod/db" || r.ARN != c.ARN {
		t.Fatalf("restored %+v", r)
	}
	_, err = ks.GetSecretValue(&GetSecretValueInput{SecretId: "prod/db"})
	must(t, err)

	_, err = ks.DeleteSecret(&DeleteSecretInput{SecretId: "prod/db", ForceDeleteWithoutRecovery: true})
	must(t, err)
	_, err = ks.GetSecretValue(&GetSecretValueInput{SecretId: "prod/db"})
	expect(t, err, ErrNotFound)
}

func TestSecretsUpdateListVersionsAndTags(t *testing.T) {
	ks, _, _ := open(t)
	for _, n := range []string{"app/a", "app/b", "other"} {
		_, err := ks.CreateSecret(&CreateSecretInput{Name: n, SecretString: str("v-" + n)})
		must(t, err)
	}
	d, err := ks.DescribeSecret(&DescribeSecretInput{SecretId: "app/a"})
	must(t, err)
	if d.KmsKeyId != "" || d.Description != "" || d.Tags != nil {
		t.Fatalf("described %+v", d)
	}

	u, err := ks.UpdateSecret(&UpdateSecretInput{SecretId: "app/a", Description: str("A")})
	must(t, err)
	if u.VersionId != "" {
		t.Fatalf("an update without a value made version %s", u.VersionId)
	}
	u, err = ks.UpdateSecret(&UpdateSecretInput{SecretId: "app/a", SecretString: str("new")})
	must(t, err)
	v, err := ks.GetSecretValue(&GetSecretValueInput{SecretId: "app/a"})
	must(t, err)
	if *v.SecretString != "new" || v.VersionId != u.VersionId {
		t.Fatalf("after update %+v", v)
	}

	page, err := ks.ListSecrets(&ListSecretsInput{MaxResults: 1, SortBy: "name", SortOrder: "asc",
		Filters: []Filter{{Key: "name", Values: []string{"app/"}}}})
	must(t, err)
	if len(page.SecretList) != 1 || page.SecretList[0].Name != "app/a" || page.NextToken == "" ||
		page.SecretList[0].Description != "A" || len(page.SecretList[0].SecretVersionsToStages) != 2 {
		t.Fatalf("first page %+v", page)
	}
	page, err = ks.ListSecrets(&ListSecretsInput{MaxResults: 1, SortBy: "name", SortOrder: "asc",
		NextToken: page.NextToken, Filters: []Filter{{Key: "name", Values: []string{"app/"}}}})
	must(t, err)
	if len(page.SecretList) != 1 || page.SecretList[0].Name != "app/b" {
		t.Fatalf("second page %+v", page)
	}

	vs, err := ks.ListSecretVersionIds(&ListSecretVersionIdsInput{SecretId: "app/a", IncludeDeprecated: true})
	must(t, err)
	if len(vs.Versions) != 2 || vs.Name != "app/a" || vs.NextToken != "" || vs.Versions[0].VersionId != u.VersionId ||
		len(vs.Versions[0].KmsKeyIds) != 1 {
		t.Fatalf("versions %+v", vs)
	}
	old := vs.Versions[1].VersionId
	_, err = ks.UpdateSecretVersionStage(&UpdateSecretVersionStageInput{SecretId: "app/a",
		VersionStage: "AWSCURRENT", MoveToVersionId: old})
	expect(t, err, ErrValidation)
	s, err := ks.UpdateSecretVersionStage(&UpdateSecretVersionStageInput{SecretId: "app/a",
		VersionStage: "AWSCURRENT", RemoveFromVersionId: u.VersionId, MoveToVersionId: old})
	must(t, err)
	if s.Name != "app/a" {
		t.Fatalf("moved %+v", s)
	}
	v, err = ks.GetSecretValue(&GetSecretValueInput{SecretId: "app/a"})
	must(t, err)
	if *v.SecretString != "v-app/a" {
		t.Fatalf("AWSCURRENT did not move back: %+v", v)
	}

	must(t, ks.TagSecret("app/a", []Tag{{"a", "1"}, {"b", "2"}}))
	must(t, ks.UntagSecret("app/a", []string{"a", "missing"}))
	d, err = ks.DescribeSecret(&DescribeSecretInput{SecretId: "app/a"})
	must(t, err)
	if !reflect.DeepEqual(d.Tags, []Tag{{"b", "2"}}) {
		t.Fatalf("tags %+v", d.Tags)
	}
}

func TestSecretsPasswordsAndErrors(t *testing.T) {
	ks, _, _ := open(t)
	p, err := ks.GetRandomPassword(nil)
	must(t, err)
	if len(p.RandomPassword) != 32 {
		t.Fatalf("password %q", p.RandomPassword)
	}
	no := false
	p, err = ks.GetRandomPassword(&GetRandomPasswordInput{PasswordLength: 50, ExcludeCharacters: "abc",
		ExcludeNumbers: true, ExcludePunctuation: true, ExcludeUppercase: true, RequireEachIncludedType: &no})
	must(t, err)
	if len(p.RandomPassword) != 50 || strings.ContainsAny(p.RandomPassword, "abcABC0123456789!#") {
		t.Fatalf("password %q", p.RandomPassword)
	}
	_, err = ks.GetRandomPassword(&GetRandomPasswordInput{PasswordLength: 4097})
	expect(t, err, ErrValidation)
	_, err = ks.GetRandomPassword(&GetRandomPasswordInput{ExcludeNumbers: true, ExcludePunctuation: true,
		ExcludeUppercase: true, ExcludeLowercase: true})
	expect(t, err, ErrValidation)

	_, err = ks.CreateSecret(&CreateSecretInput{Name: "n", SecretString: str("v"), SecretBinary: []byte{1}})
	expect(t, err, ErrValidation)
	_, err = ks.CreateSecret(&CreateSecretInput{Name: "n", SecretBinary: []byte{}})
	expect(t, err, ErrValidation)
	_, err = ks.CreateSecret(&CreateSecretInput{Name: "bad name!", SecretString: str("v")})
	expect(t, err, ErrValidation)
	_, err = ks.CreateSecret(&CreateSecretInput{Name: "n", SecretString: str("a\x00b")})
	expect(t, err, ErrValidation)
	_, err = ks.CreateSecret(&CreateSecretInput{Name: "n", SecretString: str("\xff")})
	expect(t, err, ErrInvalidUTF8)
	_, err = ks.CreateSecret(&CreateSecretInput{Name: "n", KmsKeyId: "alias/none", SecretString: str("v")})
	expect(t, err, ErrNotFound)
	l, err := ks.ListSecrets(&ListSecretsInput{IncludePlannedDeletion: true})
	must(t, err)
	if len(l.SecretList) != 0 {
		t.Fatalf("a refused call created %+v", l.SecretList)
	}
	_, err = ks.CreateSecret(&CreateSecretInput{Name: "n", SecretString: str("v")})
	must(t, err)
	_, err = ks.CreateSecret(&CreateSecretInput{Name: "n", SecretString: str("v")})
	expect(t, err, ErrAlreadyExists)
	_, err = ks.PutSecretValue(&PutSecretValueInput{SecretId: "n"})
	expect(t, err, ErrValidation)
	_, err = ks.GetSecretValue(&GetSecretValueInput{SecretId: "missing"})
	expect(t, err, ErrNotFound)
	_, err = ks.ListSecrets(&ListSecretsInput{MaxResults: 101})
	expect(t, err, ErrValidation)
	_, err = ks.ListSecrets(&ListSecretsInput{Filters: []Filter{{Key: "colour", Values: []string{"x"}}}})
	expect(t, err, ErrValidation)
	_, err = ks.DeleteSecret(&DeleteSecretInput{SecretId: "n", RecoveryWindowInDays: 6})
	expect(t, err, ErrValidation)
	_, err = ks.DeleteSecret(&DeleteSecretInput{SecretId: "n", RecoveryWindowInDays: 7, ForceDeleteWithoutRecovery: true})
	expect(t, err, ErrValidation)
	v, err := ks.GetSecretValue(&GetSecretValueInput{SecretId: "n"})
	must(t, err)
	if *v.SecretString != "v" {
		t.Fatalf("value %+v", v)
	}

	must(t, ks.Close())
	_, err = ks.GetSecretValue(&GetSecretValueInput{SecretId: "n"})
	expect(t, err, ErrClosed)
}

// Resource policies: put (BlockPublicPolicy both ways), get, validate, delete, and their errors.
func TestResourcePolicies(t *testing.T) {
	ks, _, _ := open(t)
	c, err := ks.CreateSecret(&CreateSecretInput{Name: "rp/db", SecretString: str("v")})
	must(t, err)
	deny := `{"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "secretsmanager:DeleteSecret", "Resource": "*"}]}`
	public := `{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "secretsmanager:*", "Resource": "*"}]}`
	g, err := ks.GetResourcePolicy(&GetResourcePolicyInput{SecretId: "rp/db"})
	must(t, err)
	if g.ResourcePolicy != nil || g.ARN != c.ARN || g.Name != "rp/db" || g.PolicyName != "default" {
		t.Fatalf("no policy yet: %+v", g)
	}
	p, err := ks.PutResourcePolicy(&PutResourcePolicyInput{SecretId: "rp/db", ResourcePolicy: deny, BlockPublicPolicy: true})
	must(t, err)
	if p.ARN != c.ARN || p.Name != "rp/db" || p.PolicyName != "default" {
		t.Fatalf("put %+v", p)
	}
	_, err = ks.PutResourcePolicy(&PutResourcePolicyInput{SecretId: "rp/db", ResourcePolicy: public, BlockPublicPolicy: true})
	expect(t, err, ErrPublicPolicy)
	_, err = ks.PutResourcePolicy(&PutResourcePolicyInput{SecretId: "rp/db", ResourcePolicy: "{"})
	expect(t, err, ErrMalformedPolicyDocument)
	_, err = ks.PutResourcePolicy(&PutResourcePolicyInput{SecretId: "rp/db", ResourcePolicy: deny, PolicyName: "other"})
	expect(t, err, ErrValidation)
	_, err = ks.GetResourcePolicy(&GetResourcePolicyInput{SecretId: "nope"})
	expect(t, err, ErrNotFound)
	g, err = ks.GetResourcePolicy(&GetResourcePolicyInput{SecretId: c.ARN, PolicyName: "default"})
	must(t, err)
	if g.ResourcePolicy == nil || *g.ResourcePolicy != deny {
		t.Fatalf("kept %+v", g)
	}
	v, err := ks.ValidateResourcePolicy(&ValidateResourcePolicyInput{ResourcePolicy: public})
	must(t, err)
	if v.PolicyValidationPassed || len(v.ValidationErrors) != 1 || v.ValidationErrors[0].CheckName != "BROAD_ACCESS" ||
		v.ValidationErrors[0].ErrorMessage == "" {
		t.Fatalf("public %+v", v)
	}
	v, err = ks.ValidateResourcePolicy(&ValidateResourcePolicyInput{SecretId: "rp/db", ResourcePolicy: "[]"})
	must(t, err)
	if v.PolicyValidationPassed || v.ValidationErrors[0].CheckName != "SYNTAX_CHECK" {
		t.Fatalf("malformed %+v", v)
	}
	v, err = ks.ValidateResourcePolicy(&ValidateResourcePolicyInput{ResourcePolicy: deny})
	must(t, err)
	if !v.PolicyValidationPassed || len(v.ValidationErrors) != 0 {
		t.Fatalf("valid %+v", v)
	}
	_, err = ks.ValidateResourcePolicy(&ValidateResourcePolicyInput{SecretId: "nope", ResourcePolicy: deny})
	expect(t, err, ErrNotFound)
	d, err := ks.DeleteResourcePolicy(&DeleteResourcePolicyInput{SecretId: "rp/db"})
	must(t, err)
	if d.ARN != c.ARN || d.PolicyName != "default" {
		t.Fatalf("deleted %+v", d)
	}
	g, err = ks.GetResourcePolicy(&GetResourcePolicyInput{SecretId: "rp/db"})
	must(t, err)
	if g.ResourcePolicy != nil {
		t.Fatalf("still there: %+v", g)
	}
}
