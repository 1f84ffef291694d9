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

// Named secrets (docs/secrets.md): the passwords and API keys the keys protect, stored in the
// keystore with AWS Secrets Manager's operations. The methods, inputs and outputs carry the names
// of aws-sdk-go-v2's secretsmanager client (CreateSecret(*CreateSecretInput)
// (*CreateSecretOutput, error), ...), with SecretString as *string and SecretBinary as []byte;
// an optional string member is "" when not given. A SecretId is the secret's name, its ARN, or
// its ARN without the six-character suffix. Errors: ErrNotFound (ResourceNotFoundException),
// ErrAlreadyExists (ResourceExistsException), ErrValidation (InvalidParameterException),
// ErrInvalidState (InvalidRequestException: scheduled for deletion), ErrLimitExceeded,
// ErrDecryptionFailure and ErrEncryptionFailure (the KMS key is disabled or pending deletion).

// Tag is a secret's tag (aws-sdk-go-v2 secretsmanager types.Tag): Key 1 to 128 characters, not
// starting with "aws:"; Value up to 256.
type Tag struct {
	Key   string
	Value string
}

// Filter is a ListSecrets filter (aws-sdk-go-v2 secretsmanager types.Filter): Key is "name",
// "description", "tag-key", "tag-value" or "all"; Values are 1 to 10 prefixes, matched
// case-insensitively, a leading "!" negating one. A secret matches a filter if any value
// matches, and the list if every filter matches.
type Filter struct {
	Key    string
	Values []string
}

// cSecretValue is a request's value in C memory: the string copied (and zeroed when freed), the
// bytes passed without a copy (keep them alive across the call).
type cSecretValue struct {
	str   *C.char
	strN  C.size_t
	bin   *C.uint8_t
	binN  C.size_t
	given bool
}

func newSecretValue(s *string, b []byte) (cSecretValue, error) {
	var v cSecretValue
	if s != nil {
		p, err := cString(*s, "SecretString")
		if err != nil {
			return cSecretValue{}, err
		}
		v.str, v.strN = p, C.size_t(len(*s))
	}
	if b != nil {
		v.bin, v.binN = bytesArg(b)
		if v.bin == nil {
			// An empty, non-nil SecretBinary is given (and refused by the core as too short).
			v.bin = (*C.uint8_t)(unsafe.Pointer(&emptyByte))
		}
	}
	return v, nil
}

// emptyByte stands for an empty SecretBinary: a non-NULL pointer with length 0.
var emptyByte C.uint8_t

// free zeroes and frees the string's C copy.
func (v cSecretValue) free() {
	if v.str != nil {
		C.memset(unsafe.Pointer(v.str), 0, v.strN)
		C.free(unsafe.Pointer(v.str))
	}
}

// cStringArray is an array of C strings; free it with free.
type cStringArray struct {
	arr **C.char
	n   C.size_t
}

func newStrings(items []string, what string) (cStringArray, error) {
	if len(items) == 0 {
		return cStringArray{}, nil
	}
	arr := (**C.char)(C.calloc(C.size_t(len(items)), C.size_t(unsafe.Sizeof((*C.char)(nil)))))
	s := cStringArray{arr: arr, n: C.size_t(len(items))}
	ps := unsafe.Slice(arr, len(items))
	for i, it := range items {
		p, err := cString(it, what)
		if err != nil {
			s.free()
			return cStringArray{}, err
		}
		ps[i] = p
	}
	return s, nil
}

func (s cStringArray) free() {
	if s.arr == nil {
		return
	}
	freeAll(unsafe.Slice(s.arr, int(s.n))...)
	C.free(unsafe.Pointer(s.arr))
}

// newSecretTags is tags in C memory, in order (free with cTags.free).
func newSecretTags(tags []Tag) (cTags, error) {
	if len(tags) == 0 {
		return cTags{}, nil
	}
	mem := (*C.sr_tag_input)(C.calloc(C.size_t(len(tags)), C.size_t(unsafe.Sizeof(C.sr_tag_input{}))))
	t := cTags{items: mem, n: C.size_t(len(tags))}
	items := unsafe.Slice(mem, len(tags))
	for i, tag := range tags {
		k, err := cString(tag.Key, "tag key")
		if err != nil {
			t.free()
			return cTags{}, err
		}
		items[i].tag_key = k
		v, err := cString(tag.Value, "tag value")
		if err != nil {
			t.free()
			return cTags{}, err
		}
		items[i].tag_value = v
	}
	return t, nil
}

// goStrings copies a C array of strings.
func goStrings(p **C.char, n C.size_t) []string {
	out := make([]string, 0, int(n))
	for _, s := range unsafe.Slice(p, int(n)) {
		out = append(out, goString(s))
	}
	return out
}

// secretCall runs a call that takes the keystore and one secret id.
func (ks *Keystore) secretCall(secretID string, f func(p *C.sr_keystore, id *C.char) C.sr_status) error {
	id, err := cString(secretID, "SecretId")
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(id))
	return ks.with(func(p *C.sr_keystore) C.sr_status { return f(p, id) })
}

// versionRef reads and frees an sr_secret_version_ref.
func versionRef(r *C.sr_secret_version_ref) (arn, name, versionID string, stages []string) {
	defer C.sr_secret_version_ref_free(r)
	return goString(r.arn), goString(r.name), goString(r.version_id),
		goStrings(r.version_stages, r.version_stages_len)
}

// CreateSecretInput holds CreateSecret's arguments (aws-sdk-go-v2 secretsmanager
// CreateSecretInput).
type CreateSecretInput struct {
	// Name: 1 to 512 ASCII letters, digits and /_+=.@-.
	Name string
	// ClientRequestToken: the first version's id, 32 to 64 characters ("": a random UUID).
	// Retrying with the same token and value changes nothing.
	ClientRequestToken string
	// Description: up to 2,048 characters ("": none).
	Description string
	// KmsKeyId: the symmetric KMS key that encrypts the versions (id, ARN, alias); "" for the
	// keystore's default secrets key, alias/strongroom/secretsmanager, made on first use.
	KmsKeyId string
	// SecretString or SecretBinary (1 to 65,536 bytes; not both, ErrValidation; neither makes a
	// secret without versions). A SecretString holding a NUL byte must go as SecretBinary.
	SecretString *string
	SecretBinary []byte
	// Tags: up to 50.
	Tags []Tag
}

// CreateSecretOutput is what CreateSecret returns.
type CreateSecretOutput struct {
	ARN  string
	Name string
	// VersionId is the first version's id ("" if the secret has no value yet).
	VersionId string
}

// CreateSecret creates a secret (AWS Secrets Manager CreateSecret). A name already taken is
// ErrAlreadyExists (ErrInvalidState if its secret is scheduled for deletion); a disabled KMS key
// ErrEncryptionFailure. Nothing is created on failure.
func (ks *Keystore) CreateSecret(in *CreateSecretInput) (*CreateSecretOutput, error) {
	if in == nil {
		in = &CreateSecretInput{}
	}
	var args [3]*C.char // token, description, KMS key
	defer func() { freeAll(args[:]...) }()
	for i, s := range []struct{ v, what string }{
		{in.ClientRequestToken, "ClientRequestToken"}, {in.Description, "Description"}, {in.KmsKeyId, "KmsKeyId"},
	} {
		var err error
		if args[i], err = optCString(s.v, s.what); err != nil {
			return nil, err
		}
	}
	v, err := newSecretValue(in.SecretString, in.SecretBinary)
	if err != nil {
		return nil, err
	}
	defer v.free()
	tags, err := newSecretTags(in.Tags)
	if err != nil {
		return nil, err
	}
	defer tags.free()
	var out *C.sr_secret_version_ref
	err = ks.secretCall(in.Name, func(p *C.sr_keystore, name *C.char) C.sr_status {
		return C.sr_create_secret(p, name, args[0], args[1], args[2], v.str, v.bin, v.binN,
			tags.items, tags.n, &out)
	})
	runtime.KeepAlive(in.SecretBinary)
	if err != nil {
		return nil, err
	}
	arn, name, id, _ := versionRef(out)
	return &CreateSecretOutput{ARN: arn, Name: name, VersionId: id}, nil
}

// GetSecretValueInput holds GetSecretValue's arguments.
type GetSecretValueInput struct {
	SecretId string
	// VersionId and/or VersionStage name the version ("" and "": the AWSCURRENT one); both must
	// then name the same version.
	VersionId    string
	VersionStage string
}

// GetSecretValueOutput is a secret's value: SecretString for a string value, SecretBinary for
// a binary one (the other is nil).
type GetSecretValueOutput struct {
	ARN           string
	Name          string
	VersionId     string
	SecretString  *string
	SecretBinary  []byte
	VersionStages []string
	CreatedDate   time.Time
}

// GetSecretValue returns a version's value (AWS Secrets Manager GetSecretValue). No such
// secret, version or label is ErrNotFound; a secret scheduled for deletion ErrInvalidState; a
// KMS key that is disabled, pending deletion or gone ErrDecryptionFailure. The C copy of the
// value is zeroed before this returns.
func (ks *Keystore) GetSecretValue(in *GetSecretValueInput) (*GetSecretValueOutput, error) {
	if in == nil {
		in = &GetSecretValueInput{}
	}
	var args [2]*C.char // version id, version stage
	defer func() { freeAll(args[:]...) }()
	for i, s := range []struct{ v, what string }{{in.VersionId, "VersionId"}, {in.VersionStage, "VersionStage"}} {
		var err error
		if args[i], err = optCString(s.v, s.what); err != nil {
			return nil, err
		}
	}
	var out *C.sr_secret_value
	if err := ks.secretCall(in.SecretId, func(p *C.sr_keystore, id *C.char) C.sr_status {
		return C.sr_get_secret_value(p, id, args[0], args[1], &out)
	}); err != nil {
		return nil, err
	}
	defer C.sr_secret_value_free(out)
	r := &GetSecretValueOutput{
		ARN:           goString(out.arn),
		Name:          goString(out.name),
		VersionId:     goString(out.version_id),
		VersionStages: goStrings(out.version_stages, out.version_stages_len),
		CreatedDate:   fromMillis(int64(out.created_date)),
	}
	if out.secret_string != nil {
		s := C.GoStringN(out.secret_string, C.int(out.secret_string_len))
		r.SecretString = &s
	} else {
		r.SecretBinary = C.GoBytes(unsafe.Pointer(out.secret_binary.data), C.int(out.secret_binary.len))
	}
	return r, nil
}

// PutSecretValueInput holds PutSecretValue's arguments.
type PutSecretValueInput struct {
	SecretId string
	// ClientRequestToken: the version's id ("": a random UUID). The same token with the same
	// value changes nothing; with another value it is ErrAlreadyExists.
	ClientRequestToken string
	// SecretString or SecretBinary: exactly one.
	SecretString *string
	SecretBinary []byte
	// VersionStages: 1 to 20 labels for the new version (nil: AWSCURRENT).
	VersionStages []string
}

// PutSecretValueOutput is the version made.
type PutSecretValueOutput struct {
	ARN           string
	Name          string
	VersionId     string
	VersionStages []string
}

// PutSecretValue adds a version (AWS Secrets Manager PutSecretValue): each of its labels moves
// to it, and when AWSCURRENT moves, the version that had it becomes AWSPREVIOUS. A disabled KMS
// key is ErrEncryptionFailure. Nothing changes on failure.
func (ks *Keystore) PutSecretValue(in *PutSecretValueInput) (*PutSecretValueOutput, error) {
	if in == nil {
		in = &PutSecretValueInput{}
	}
	token, err := optCString(in.ClientRequestToken, "ClientRequestToken")
	if err != nil {
		return nil, err
	}
	defer freeAll(token)
	v, err := newSecretValue(in.SecretString, in.SecretBinary)
	if err != nil {
		return nil, err
	}
	defer v.free()
	stages, err := newStrings(in.VersionStages, "VersionStages")
	if err != nil {
		return nil, err
	}
	defer stages.free()
	var out *C.sr_secret_version_ref
	err = ks.secretCall(in.SecretId, func(p *C.sr_keystore, id *C.char) C.sr_status {
		return C.sr_put_secret_value(p, id, token, v.str, v.bin, v.binN, stages.arr, stages.n, &out)
	})
	runtime.KeepAlive(in.SecretBinary)
	if err != nil {
		return nil, err
	}
	arn, name, vid, st := versionRef(out)
	return &PutSecretValueOutput{ARN: arn, Name: name, VersionId: vid, VersionStages: st}, nil
}

// UpdateSecretInput holds UpdateSecret's arguments: each member given changes.
type UpdateSecretInput struct {
	SecretId string
	// ClientRequestToken: the new version's id, with a value ("": a random UUID).
	ClientRequestToken string
	// Description: a new description (nil: unchanged; "" clears it).
	Description *string
	// KmsKeyId: a new KMS key ("": unchanged); the labelled versions are encrypted again under it.
	KmsKeyId string
	// SecretString or SecretBinary: a new AWSCURRENT version (neither: none).
	SecretString *string
	SecretBinary []byte
}

// UpdateSecretOutput is what UpdateSecret returns.
type UpdateSecretOutput struct {
	ARN  string
	Name string
	// VersionId is the version made ("" if no value was given).
	VersionId string
}

// UpdateSecret changes a secret's description, KMS key and/or value (AWS Secrets Manager
// UpdateSecret). Nothing changes on failure.
func (ks *Keystore) UpdateSecret(in *UpdateSecretInput) (*UpdateSecretOutput, error) {
	if in == nil {
		in = &UpdateSecretInput{}
	}
	var args [3]*C.char // token, description, KMS key
	defer func() { freeAll(args[:]...) }()
	var err error
	if args[0], err = optCString(in.ClientRequestToken, "ClientRequestToken"); err != nil {
		return nil, err
	}
	if in.Description != nil {
		if args[1], err = cString(*in.Description, "Description"); err != nil {
			return nil, err
		}
	}
	if args[2], err = optCString(in.KmsKeyId, "KmsKeyId"); err != nil {
		return nil, err
	}
	v, err := newSecretValue(in.SecretString, in.SecretBinary)
	if err != nil {
		return nil, err
	}
	defer v.free()
	var out *C.sr_secret_version_ref
	err = ks.secretCall(in.SecretId, func(p *C.sr_keystore, id *C.char) C.sr_status {
		return C.sr_update_secret(p, id, args[0], args[1], args[2], v.str, v.bin, v.binN, &out)
	})
	runtime.KeepAlive(in.SecretBinary)
	if err != nil {
		return nil, err
	}
	arn, name, vid, _ := versionRef(out)
	return &UpdateSecretOutput{ARN: arn, Name: name, VersionId: vid}, nil
}

// DescribeSecretInput holds DescribeSecret's argument.
type DescribeSecretInput struct {
	SecretId string
}

// DescribeSecretOutput is a secret's metadata, never its value.
type DescribeSecretOutput struct {
	ARN  string
	Name string
	// Description is "" if none was given.
	Description string
	// KmsKeyId is the KMS key's ARN; "" when the secret uses the default secrets key (as AWS).
	KmsKeyId        string
	CreatedDate     time.Time
	LastChangedDate time.Time
	// LastAccessedDate is the day (00:00 UTC) a value was last read; nil if never.
	LastAccessedDate *time.Time
	// DeletedDate is when the secret will be destroyed, while it is scheduled for deletion.
	DeletedDate *time.Time
	Tags        []Tag
	// VersionIdsToStages maps each version that has a staging label to its labels.
	VersionIdsToStages map[string][]string
}

// SecretListEntry is one secret of ListSecrets (aws-sdk-go-v2 secretsmanager
// types.SecretListEntry): DescribeSecret's members, the versions map being named
// SecretVersionsToStages.
type SecretListEntry struct {
	ARN                    string
	Name                   string
	Description            string
	KmsKeyId               string
	CreatedDate            time.Time
	LastChangedDate        time.Time
	LastAccessedDate       *time.Time
	DeletedDate            *time.Time
	Tags                   []Tag
	SecretVersionsToStages map[string][]string
}

// describeFrom copies C metadata into Go memory (the caller frees it).
func describeFrom(m *C.sr_secret_metadata) DescribeSecretOutput {
	d := DescribeSecretOutput{
		ARN:                goString(m.arn),
		Name:               goString(m.name),
		Description:        goString(m.description),
		KmsKeyId:           goString(m.kms_key_id),
		CreatedDate:        fromMillis(int64(m.created_date)),
		LastChangedDate:    fromMillis(int64(m.last_changed_date)),
		LastAccessedDate:   optTime(m.has_last_accessed_date, m.last_accessed_date),
		DeletedDate:        optTime(m.has_deleted_date, m.deleted_date),
		VersionIdsToStages: make(map[string][]string, int(m.version_ids_to_stages_len)),
	}
	for _, t := range unsafe.Slice(m.tags, int(m.tags_len)) {
		d.Tags = append(d.Tags, Tag{Key: goString(t.tag_key), Value: goString(t.tag_value)})
	}
	for _, v := range unsafe.Slice(m.version_ids_to_stages, int(m.version_ids_to_stages_len)) {
		d.VersionIdsToStages[goString(v.version_id)] = goStrings(v.version_stages, v.version_stages_len)
	}
	return d
}

// DescribeSecret returns a secret's metadata (AWS Secrets Manager DescribeSecret), also while it
// is scheduled for deletion and whatever its KMS key's state.
func (ks *Keystore) DescribeSecret(in *DescribeSecretInput) (*DescribeSecretOutput, error) {
	if in == nil {
		in = &DescribeSecretInput{}
	}
	var out *C.sr_secret_metadata
	if err := ks.secretCall(in.SecretId, func(p *C.sr_keystore, id *C.char) C.sr_status {
		return C.sr_describe_secret(p, id, &out)
	}); err != nil {
		return nil, err
	}
	defer C.sr_secret_metadata_free(out)
	d := describeFrom(out)
	return &d, nil
}

// ListSecretsInput holds ListSecrets's arguments.
type ListSecretsInput struct {
	// IncludePlannedDeletion also lists the secrets scheduled for deletion.
	IncludePlannedDeletion bool
	// MaxResults: 1 to 100, or 0 for the default (100).
	MaxResults uint32
	// NextToken: "" for the first page, else a previous page's NextToken (another is
	// ErrValidation).
	NextToken string
	// Filters: up to 10.
	Filters []Filter
	// SortBy: "created-date" ("" too), "last-changed-date" or "name".
	SortBy string
	// SortOrder: "asc" or "desc" ("" too).
	SortOrder string
}

// ListSecretsOutput is one page of secrets.
type ListSecretsOutput struct {
	SecretList []SecretListEntry
	// NextToken is where the next page starts; "" on the last page.
	NextToken string
}

// ListSecrets returns one page of secrets (AWS Secrets Manager ListSecrets).
func (ks *Keystore) ListSecrets(in *ListSecretsInput) (*ListSecretsOutput, error) {
	if in == nil {
		in = &ListSecretsInput{}
	}
	var args [3]*C.char // next token, sort by, sort order
	defer func() { freeAll(args[:]...) }()
	for i, s := range []struct{ v, what string }{
		{in.NextToken, "NextToken"}, {in.SortBy, "SortBy"}, {in.SortOrder, "SortOrder"},
	} {
		var err error
		if args[i], err = optCString(s.v, s.what); err != nil {
			return nil, err
		}
	}
	var filters *C.sr_secret_filter
	values := make([]cStringArray, len(in.Filters))
	defer func() {
		for _, v := range values {
			v.free()
		}
	}()
	if n := len(in.Filters); n > 0 {
		filters = (*C.sr_secret_filter)(C.calloc(C.size_t(n), C.size_t(unsafe.Sizeof(C.sr_secret_filter{}))))
		keys := make([]*C.char, n)
		defer func() { freeAll(keys...) }()
		defer C.free(unsafe.Pointer(filters))
		items := unsafe.Slice(filters, n)
		for i, f := range in.Filters {
			var err error
			if keys[i], err = cString(f.Key, "filter Key"); err != nil {
				return nil, err
			}
			if values[i], err = newStrings(f.Values, "filter Values"); err != nil {
				return nil, err
			}
			items[i].key = keys[i]
			items[i].values = values[i].arr
			items[i].values_len = values[i].n
		}
	}
	var out *C.sr_secret_list
	if err := ks.with(func(p *C.sr_keystore) C.sr_status {
		return C.sr_list_secrets(p, C.bool(in.IncludePlannedDeletion), C.uint32_t(in.MaxResults), args[0],
			filters, C.size_t(len(in.Filters)), args[1], args[2], &out)
	}); err != nil {
		return nil, err
	}
	defer C.sr_secret_list_free(out)
	r := &ListSecretsOutput{SecretList: make([]SecretListEntry, 0, int(out.len)), NextToken: goString(out.next_token)}
	items := unsafe.Slice(out.items, int(out.len))
	for i := range items {
		d := describeFrom(&items[i])
		r.SecretList = append(r.SecretList, SecretListEntry{
			ARN: d.ARN, Name: d.Name, Description: d.Description, KmsKeyId: d.KmsKeyId,
			CreatedDate: d.CreatedDate, LastChangedDate: d.LastChangedDate,
			LastAccessedDate: d.LastAccessedDate, DeletedDate: d.DeletedDate,
			Tags: d.Tags, SecretVersionsToStages: d.VersionIdsToStages,
		})
	}
	return r, nil
}

// ListSecretVersionIdsInput holds ListSecretVersionIds's arguments.
type ListSecretVersionIdsInput struct {
	SecretId string
	// MaxResults: 1 to 100, or 0 for the default (100).
	MaxResults uint32
	// NextToken: "" for the first page, else a previous page's NextToken.
	NextToken string
	// IncludeDeprecated also lists the versions without a staging label.
	IncludeDeprecated bool
}

// SecretVersionsListEntry is one version (aws-sdk-go-v2 secretsmanager
// types.SecretVersionsListEntry).
type SecretVersionsListEntry struct {
	VersionId string
	// VersionStages is empty for a deprecated version.
	VersionStages []string
	// LastAccessedDate is the day (00:00 UTC) the version was last read; nil if never.
	LastAccessedDate *time.Time
	CreatedDate      time.Time
	// KmsKeyIds holds the ARN of the KMS key that encrypts the version.
	KmsKeyIds []string
}

// ListSecretVersionIdsOutput is one page of a secret's versions, newest first.
type ListSecretVersionIdsOutput struct {
	ARN      string
	Name     string
	Versions []SecretVersionsListEntry
	// NextToken is where the next page starts; "" on the last page.
	NextToken string
}

// ListSecretVersionIds returns one page of a secret's versions, newest first (AWS Secrets
// Manager ListSecretVersionIds).
func (ks *Keystore) ListSecretVersionIds(in *ListSecretVersionIdsInput) (*ListSecretVersionIdsOutput, error) {
	if in == nil {
		in = &ListSecretVersionIdsInput{}
	}
	token, err := optCString(in.NextToken, "NextToken")
	if err != nil {
		return nil, err
	}
	defer freeAll(token)
	var out *C.sr_secret_version_list
	if err := ks.secretCall(in.SecretId, func(p *C.sr_keystore, id *C.char) C.sr_status {
		return C.sr_list_secret_version_ids(p, id, C.uint32_t(in.MaxResults), token, C.bool(in.IncludeDeprecated), &out)
	}); err != nil {
		return nil, err
	}
	defer C.sr_secret_version_list_free(out)
	r := &ListSecretVersionIdsOutput{ARN: goString(out.arn), Name: goString(out.name),
		Versions: make([]SecretVersionsListEntry, 0, int(out.len)), NextToken: goString(out.next_token)}
	for _, v := range unsafe.Slice(out.items, int(out.len)) {
		r.Versions = append(r.Versions, SecretVersionsListEntry{
			VersionId:        goString(v.version_id),
			VersionStages:    goStrings(v.version_stages, v.version_stages_len),
			LastAccessedDate: optTime(v.has_last_accessed_date, v.last_accessed_date),
			CreatedDate:      fromMillis(int64(v.created_date)),
			KmsKeyIds:        goStrings(v.kms_key_ids, v.kms_key_ids_len),
		})
	}
	return r, nil
}

// UpdateSecretVersionStageInput holds UpdateSecretVersionStage's arguments.
type UpdateSecretVersionStageInput struct {
	SecretId     string
	VersionStage string
	// RemoveFromVersionId must name the version that has the label when it is attached
	// elsewhere ("": none).
	RemoveFromVersionId string
	// MoveToVersionId: where the label goes ("": only removed; AWSCURRENT can only move).
	MoveToVersionId string
}

// UpdateSecretVersionStageOutput is what UpdateSecretVersionStage returns.
type UpdateSecretVersionStageOutput struct {
	ARN  string
	Name string
}

// UpdateSecretVersionStage moves a staging label (AWS Secrets Manager
// UpdateSecretVersionStage); when AWSCURRENT moves, the version that had it becomes
// AWSPREVIOUS.
func (ks *Keystore) UpdateSecretVersionStage(in *UpdateSecretVersionStageInput) (*UpdateSecretVersionStageOutput, error) {
	if in == nil {
		in = &UpdateSecretVersionStageInput{}
	}
	stage, err := cString(in.VersionStage, "VersionStage")
	if err != nil {
		return nil, err
	}
	defer freeAll(stage)
	var args [2]*C.char // remove from, move to
	defer func() { freeAll(args[:]...) }()
	for i, s := range []struct{ v, what string }{
		{in.RemoveFromVersionId, "RemoveFromVersionId"}, {in.MoveToVersionId, "MoveToVersionId"},
	} {
		if args[i], err = optCString(s.v, s.what); err != nil {
			return nil, err
		}
	}
	var out *C.sr_secret_version_ref
	if err := ks.secretCall(in.SecretId, func(p *C.sr_keystore, id *C.char) C.sr_status {
		return C.sr_update_secret_version_stage(p, id, stage, args[0], args[1], &out)
	}); err != nil {
		return nil, err
	}
	arn, name, _, _ := versionRef(out)
	return &UpdateSecretVersionStageOutput{ARN: arn, Name: name}, nil
}

// DeleteSecretInput holds DeleteSecret's arguments.
type DeleteSecretInput struct {
	SecretId string
	// RecoveryWindowInDays: 7 to 30, or 0 for the default (30).
	RecoveryWindowInDays uint32
	// ForceDeleteWithoutRecovery destroys the secret at once (RecoveryWindowInDays must be 0).
	ForceDeleteWithoutRecovery bool
}

// DeleteSecretOutput is what DeleteSecret returns.
type DeleteSecretOutput struct {
	ARN  string
	Name string
	// DeletionDate is when the secret will be (or, forced, was) destroyed.
	DeletionDate *time.Time
}

// DeleteSecret schedules a secret's destruction after the recovery window, or destroys it at
// once (AWS Secrets Manager DeleteSecret). Meanwhile it refuses reads and changes
// (ErrInvalidState) until RestoreSecret, and its name cannot be reused.
func (ks *Keystore) DeleteSecret(in *DeleteSecretInput) (*DeleteSecretOutput, error) {
	if in == nil {
		in = &DeleteSecretInput{}
	}
	var out *C.sr_deleted_secret
	if err := ks.secretCall(in.SecretId, func(p *C.sr_keystore, id *C.char) C.sr_status {
		return C.sr_delete_secret(p, id, C.uint32_t(in.RecoveryWindowInDays), C.bool(in.ForceDeleteWithoutRecovery), &out)
	}); err != nil {
		return nil, err
	}
	defer C.sr_deleted_secret_free(out)
	return &DeleteSecretOutput{ARN: goString(out.arn), Name: goString(out.name),
		DeletionDate: optTime(out.has_deletion_date, out.deletion_date)}, nil
}

// RestoreSecretInput holds RestoreSecret's argument.
type RestoreSecretInput struct {
	SecretId string
}

// RestoreSecretOutput is what RestoreSecret returns.
type RestoreSecretOutput struct {
	ARN  string
	Name string
}

// RestoreSecret cancels a secret's scheduled deletion (AWS Secrets Manager RestoreSecret).
func (ks *Keystore) RestoreSecret(in *RestoreSecretInput) (*RestoreSecretOutput, error) {
	if in == nil {
		in = &RestoreSecretInput{}
	}
	var out *C.sr_deleted_secret
	if err := ks.secretCall(in.SecretId, func(p *C.sr_keystore, id *C.char) C.sr_status {
		return C.sr_restore_secret(p, id, &out)
	}); err != nil {
		return nil, err
	}
	defer C.sr_deleted_secret_free(out)
	return &RestoreSecretOutput{ARN: goString(out.arn), Name: goString(out.name)}, nil
}

// GetRandomPasswordInput holds GetRandomPassword's options; the zero value gives AWS's default:
// 32 characters of letters, digits and punctuation, at least one of each type.
type GetRandomPasswordInput struct {
	// PasswordLength: 1 to 4,096, or 0 for the default (32).
	PasswordLength uint32
	// ExcludeCharacters: characters never to use (up to 4,096).
	ExcludeCharacters  string
	ExcludeNumbers     bool
	ExcludePunctuation bool
	ExcludeUppercase   bool
	ExcludeLowercase   bool
	IncludeSpace       bool
	// RequireEachIncludedType: at least one character of every included type (nil: true, as
	// AWS).
	RequireEachIncludedType *bool
}

// GetRandomPasswordOutput holds the password.
type GetRandomPasswordOutput struct {
	RandomPassword string
}

// GetRandomPassword draws a random password from the OS CSPRNG without bias (AWS Secrets
// Manager GetRandomPassword). Options that leave no character to draw from are ErrValidation.
func (ks *Keystore) GetRandomPassword(in *GetRandomPasswordInput) (*GetRandomPasswordOutput, error) {
	if in == nil {
		in = &GetRandomPasswordInput{}
	}
	exclude, err := optCString(in.ExcludeCharacters, "ExcludeCharacters")
	if err != nil {
		return nil, err
	}
	defer freeAll(exclude)
	each := in.RequireEachIncludedType == nil || *in.RequireEachIncludedType
	opts := (*C.sr_password_options)(C.calloc(1, C.size_t(unsafe.Sizeof(C.sr_password_options{}))))
	defer C.free(unsafe.Pointer(opts))
	*opts = C.sr_password_options{
		password_length:            C.uint32_t(in.PasswordLength),
		exclude_characters:         exclude,
		exclude_numbers:            C.bool(in.ExcludeNumbers),
		exclude_punctuation:        C.bool(in.ExcludePunctuation),
		exclude_uppercase:          C.bool(in.ExcludeUppercase),
		exclude_lowercase:          C.bool(in.ExcludeLowercase),
		include_space:              C.bool(in.IncludeSpace),
		require_each_included_type: C.bool(each),
	}
	var out *C.char
	if err := ks.with(func(p *C.sr_keystore) C.sr_status {
		return C.sr_get_random_password(p, opts, &out)
	}); err != nil {
		return nil, err
	}
	defer C.sr_random_password_free(out)
	return &GetRandomPasswordOutput{RandomPassword: C.GoString(out)}, nil
}

// TagSecret adds tags to a secret, replacing the value of a tag key it already has (AWS Secrets
// Manager TagResource; TagResource tags a KMS key). More than 50 tags is ErrLimitExceeded.
func (ks *Keystore) TagSecret(secretID string, tags []Tag) error {
	t, err := newSecretTags(tags)
	if err != nil {
		return err
	}
	defer t.free()
	return ks.secretCall(secretID, func(p *C.sr_keystore, id *C.char) C.sr_status {
		return C.sr_tag_secret(p, id, t.items, t.n)
	})
}

// UntagSecret removes a secret's tags of these keys (AWS Secrets Manager UntagResource); a tag
// key the secret does not have is not an error.
func (ks *Keystore) UntagSecret(secretID string, tagKeys []string) error {
	keys, err := newStrings(tagKeys, "tag key")
	if err != nil {
		return err
	}
	defer keys.free()
	return ks.secretCall(secretID, func(p *C.sr_keystore, id *C.char) C.sr_status {
		return C.sr_untag_secret(p, id, keys.arr, keys.n)
	})
}

// PutResourcePolicyInput holds PutResourcePolicy's arguments.
type PutResourcePolicyInput struct {
	SecretId string
	// ResourcePolicy: 1 to 20,480 characters of JSON in the key policies' language
	// (docs/secrets.md, "Resource policies").
	ResourcePolicy string
	// BlockPublicPolicy refuses a policy that allows every principal (ErrPublicPolicy).
	BlockPublicPolicy bool
	// PolicyName: "" or "default" (another is ErrValidation).
	PolicyName string
}

// PutResourcePolicyOutput is what PutResourcePolicy and DeleteResourcePolicy return.
type PutResourcePolicyOutput struct {
	ARN  string
	Name string
	// PolicyName is always "default".
	PolicyName string
}

// DeleteResourcePolicyOutput is what DeleteResourcePolicy returns.
type DeleteResourcePolicyOutput = PutResourcePolicyOutput

// policyCall runs a resource-policy call that writes an sr_secret_policy, and reads it.
func (ks *Keystore) policyCall(secretID, policyName string, f func(p *C.sr_keystore, id, name *C.char, out **C.sr_secret_policy) C.sr_status) (arn, name, policyNameOut string, policy *string, err error) {
	pn, err := optCString(policyName, "PolicyName")
	if err != nil {
		return "", "", "", nil, err
	}
	defer freeAll(pn)
	var out *C.sr_secret_policy
	if err := ks.secretCall(secretID, func(p *C.sr_keystore, id *C.char) C.sr_status {
		return f(p, id, pn, &out)
	}); err != nil {
		return "", "", "", nil, err
	}
	defer C.sr_secret_policy_free(out)
	if out.resource_policy != nil {
		s := C.GoString(out.resource_policy)
		policy = &s
	}
	return goString(out.arn), goString(out.name), goString(out.policy_name), policy, nil
}

// PutResourcePolicy attaches a resource policy to a secret, replacing the one it has (AWS
// Secrets Manager PutResourcePolicy). A policy that does not parse or names a principal the
// keystore cannot have is ErrMalformedPolicyDocument; with BlockPublicPolicy, a public one is
// ErrPublicPolicy; a secret scheduled for deletion ErrInvalidState. In-process callers are never
// checked against it; `strongroom serve` refuses the callers a Deny statement matches.
func (ks *Keystore) PutResourcePolicy(in *PutResourcePolicyInput) (*PutResourcePolicyOutput, error) {
	if in == nil {
		in = &PutResourcePolicyInput{}
	}
	doc, err := cString(in.ResourcePolicy, "ResourcePolicy")
	if err != nil {
		return nil, err
	}
	defer freeAll(doc)
	arn, name, pn, _, err := ks.policyCall(in.SecretId, in.PolicyName, func(p *C.sr_keystore, id, n *C.char, out **C.sr_secret_policy) C.sr_status {
		return C.sr_put_resource_policy(p, id, doc, C.bool(in.BlockPublicPolicy), n, out)
	})
	if err != nil {
		return nil, err
	}
	return &PutResourcePolicyOutput{ARN: arn, Name: name, PolicyName: pn}, nil
}

// GetResourcePolicyInput holds GetResourcePolicy's arguments.
type GetResourcePolicyInput struct {
	SecretId string
	// PolicyName: "" or "default" (another is ErrNotFound).
	PolicyName string
}

// GetResourcePolicyOutput is what GetResourcePolicy returns.
type GetResourcePolicyOutput struct {
	ARN  string
	Name string
	// ResourcePolicy is the policy as it was given; nil when the secret has none.
	ResourcePolicy *string
	// PolicyName is always "default".
	PolicyName string
}

// GetResourcePolicy returns a secret's resource policy (AWS Secrets Manager GetResourcePolicy).
func (ks *Keystore) GetResourcePolicy(in *GetResourcePolicyInput) (*GetResourcePolicyOutput, error) {
	if in == nil {
		in = &GetResourcePolicyInput{}
	}
	arn, name, pn, policy, err := ks.policyCall(in.SecretId, in.PolicyName, func(p *C.sr_keystore, id, n *C.char, out **C.sr_secret_policy) C.sr_status {
		return C.sr_get_resource_policy(p, id, n, out)
	})
	if err != nil {
		return nil, err
	}
	return &GetResourcePolicyOutput{ARN: arn, Name: name, ResourcePolicy: policy, PolicyName: pn}, nil
}

// DeleteResourcePolicyInput holds DeleteResourcePolicy's arguments.
type DeleteResourcePolicyInput struct {
	SecretId string
	// PolicyName: "" or "default" (another is ErrValidation).
	PolicyName string
}

// DeleteResourcePolicy removes a secret's resource policy (AWS Secrets Manager
// DeleteResourcePolicy); a secret without one is left as it is.
func (ks *Keystore) DeleteResourcePolicy(in *DeleteResourcePolicyInput) (*DeleteResourcePolicyOutput, error) {
	if in == nil {
		in = &DeleteResourcePolicyInput{}
	}
	arn, name, pn, _, err := ks.policyCall(in.SecretId, in.PolicyName, func(p *C.sr_keystore, id, n *C.char, out **C.sr_secret_policy) C.sr_status {
		return C.sr_delete_resource_policy(p, id, n, out)
	})
	if err != nil {
		return nil, err
	}
	return &DeleteResourcePolicyOutput{ARN: arn, Name: name, PolicyName: pn}, nil
}

// ValidateResourcePolicyInput holds ValidateResourcePolicy's arguments.
type ValidateResourcePolicyInput struct {
	// SecretId: "" for none; a secret it names must exist (ErrNotFound).
	SecretId       string
	ResourcePolicy string
}

// ValidationErrorsEntry is one failed check (aws-sdk-go-v2 secretsmanager
// types.ValidationErrorsEntry): CheckName "SYNTAX_CHECK" or "BROAD_ACCESS".
type ValidationErrorsEntry struct {
	CheckName    string
	ErrorMessage string
}

// ValidateResourcePolicyOutput is what ValidateResourcePolicy returns.
type ValidateResourcePolicyOutput struct {
	PolicyValidationPassed bool
	ValidationErrors       []ValidationErrorsEntry
}

// ValidateResourcePolicy checks a resource policy without attaching it (AWS Secrets Manager
// ValidateResourcePolicy): a policy that does not parse or is public is a failed check, not an
// error.
func (ks *Keystore) ValidateResourcePolicy(in *ValidateResourcePolicyInput) (*ValidateResourcePolicyOutput, error) {
	if in == nil {
		in = &ValidateResourcePolicyInput{}
	}
	args, err := cStrings(cArg{v: in.SecretId, what: "SecretId", optional: true},
		cArg{v: in.ResourcePolicy, what: "ResourcePolicy"})
	if err != nil {
		return nil, err
	}
	defer freeAll(args...)
	var out *C.sr_policy_validation
	if err := ks.with(func(p *C.sr_keystore) C.sr_status {
		return C.sr_validate_resource_policy(p, args[0], args[1], &out)
	}); err != nil {
		return nil, err
	}
	defer C.sr_policy_validation_free(out)
	res := &ValidateResourcePolicyOutput{PolicyValidationPassed: bool(out.passed),
		ValidationErrors: []ValidationErrorsEntry{}}
	for _, e := range unsafe.Slice(out.errors, int(out.errors_len)) {
		res.ValidationErrors = append(res.ValidationErrors, ValidationErrorsEntry{
			CheckName: goString(e.check_name), ErrorMessage: goString(e.error_message)})
	}
	return res, nil
}
