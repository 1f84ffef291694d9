package strongroom

/*
#include <stdlib.h>
#include "strongroom.h"
*/
import "C"

// Paged lists (AWS KMS's Limit, Marker, Truncated, NextMarker): ListKeysPage, ListAliasesPage
// and ListKeyRotationsPage return one page, and the paginators walk every page as
// aws-sdk-go-v2's kms.NewListKeysPaginator does. A marker is good only for the list that
// returned it (ErrInvalidMarker otherwise). ListGrants and ListRetirableGrants page the same way
// through their inputs' Limit and Marker.

// ListKeysInput holds ListKeysPage's arguments (AWS KMS ListKeysInput).
type ListKeysInput struct {
	// Limit: 1 to 1000, or 0 for the default (100).
	Limit uint32
	// Marker: "" for the first page, else a previous page's NextMarker.
	Marker string
}

// ListKeysOutput is one page of keys, ordered by key id (each with its metadata).
type ListKeysOutput struct {
	Keys []KeyMetadata
	// Truncated says more keys follow; pass NextMarker to get them.
	Truncated bool
	// NextMarker is where the next page starts, when Truncated.
	NextMarker string
}

// ListKeysPage returns one page of the keys' metadata, ordered by key id (AWS KMS ListKeys with
// Limit and Marker). A Limit above 1000 is ErrValidation; a Marker this list did not return,
// ErrInvalidMarker.
func (ks *Keystore) ListKeysPage(in *ListKeysInput) (*ListKeysOutput, error) {
	if in == nil {
		in = &ListKeysInput{}
	}
	marker, err := optCString(in.Marker, "Marker")
	if err != nil {
		return nil, err
	}
	defer freeAll(marker)
	var out *C.sr_key_metadata_list
	if err := ks.with(func(p *C.sr_keystore) C.sr_status {
		return C.sr_list_keys_page(p, C.uint32_t(in.Limit), marker, &out)
	}); err != nil {
		return nil, err
	}
	defer C.sr_key_metadata_list_free(out)
	return &ListKeysOutput{Keys: keysFrom(out), Truncated: bool(out.truncated), NextMarker: goString(out.next_marker)}, nil
}

// ListAliasesInput holds ListAliasesPage's arguments (AWS KMS ListAliasesInput).
type ListAliasesInput struct {
	// KeyId: only the aliases of this key ("" for every alias).
	KeyId string
	// Limit: 1 to 100, or 0 for the default (50).
	Limit uint32
	// Marker: "" for the first page, else a previous page's NextMarker.
	Marker string
}

// ListAliasesOutput is one page of aliases, ordered by name.
type ListAliasesOutput struct {
	Aliases []AliasListEntry
	// Truncated says more aliases follow; pass NextMarker to get them.
	Truncated bool
	// NextMarker is where the next page starts, when Truncated.
	NextMarker string
}

// ListAliasesPage returns one page of the aliases, ordered by name (AWS KMS ListAliases with
// Limit and Marker). A Limit above 100 is ErrValidation; a Marker this list did not return,
// ErrInvalidMarker.
func (ks *Keystore) ListAliasesPage(in *ListAliasesInput) (*ListAliasesOutput, error) {
	if in == nil {
		in = &ListAliasesInput{}
	}
	args, err := cStrings(cArg{in.KeyId, "KeyId", true}, cArg{in.Marker, "Marker", true})
	if err != nil {
		return nil, err
	}
	defer freeAll(args...)
	var out *C.sr_alias_list
	if err := ks.with(func(p *C.sr_keystore) C.sr_status {
		return C.sr_list_aliases_page(p, args[0], C.uint32_t(in.Limit), args[1], &out)
	}); err != nil {
		return nil, err
	}
	defer C.sr_alias_list_free(out)
	return &ListAliasesOutput{Aliases: aliasesFrom(out), Truncated: bool(out.truncated), NextMarker: goString(out.next_marker)}, nil
}

// ListKeyRotationsInput holds ListKeyRotationsPage's arguments (AWS KMS ListKeyRotationsInput).
type ListKeyRotationsInput struct {
	// KeyId: the key (key id, key ARN, alias name or alias ARN).
	KeyId string
	// IncludeKeyMaterial: "ROTATIONS_ONLY" (or "") or "ALL_KEY_MATERIAL".
	IncludeKeyMaterial string
	// Limit: 1 to 1000, or 0 for the default (100).
	Limit uint32
	// Marker: "" for the first page, else a previous page's NextMarker.
	Marker string
}

// ListKeyRotationsOutput is one page of a key's rotations, oldest first.
type ListKeyRotationsOutput struct {
	Rotations []RotationsListEntry
	// Truncated says more entries follow; pass NextMarker to get them.
	Truncated bool
	// NextMarker is where the next page starts, when Truncated.
	NextMarker string
}

// ListKeyRotationsPage returns one page of a key's rotations, oldest first (AWS KMS
// ListKeyRotations with IncludeKeyMaterial, Limit and Marker).
func (ks *Keystore) ListKeyRotationsPage(in *ListKeyRotationsInput) (*ListKeyRotationsOutput, error) {
	if in == nil {
		in = &ListKeyRotationsInput{}
	}
	args, err := cStrings(cArg{in.IncludeKeyMaterial, "IncludeKeyMaterial", true}, cArg{in.Marker, "Marker", true})
	if err != nil {
		return nil, err
	}
	defer freeAll(args...)
	var out *C.sr_rotations_list
	if err := ks.keyCall(in.KeyId, func(p *C.sr_keystore, id *C.char) C.sr_status {
		return C.sr_list_key_rotations_page(p, id, args[0], C.uint32_t(in.Limit), args[1], &out)
	}); err != nil {
		return nil, err
	}
	defer C.sr_rotations_list_free(out)
	return &ListKeyRotationsOutput{Rotations: rotationsFrom(out), Truncated: bool(out.truncated), NextMarker: goString(out.next_marker)}, nil
}

// pager is the state every paginator shares: the marker of the next page, and whether there is
// one.
type pager struct {
	marker string
	done   bool
}

// HasMorePages says whether NextPage has a page to return.
func (p *pager) HasMorePages() bool { return !p.done }

// next records a page's continuation.
func (p *pager) next(truncated bool, nextMarker string) {
	p.done = !truncated
	p.marker = nextMarker
}

// ListKeysPaginator walks ListKeysPage page by page (aws-sdk-go-v2's kms.ListKeysPaginator):
//
//	for p := strongroom.NewListKeysPaginator(ks, nil); p.HasMorePages(); {
//		page, err := p.NextPage()
//		...
//	}
type ListKeysPaginator struct {
	pager
	ks *Keystore
	in ListKeysInput
}

// NewListKeysPaginator returns a paginator over ListKeysPage from in (nil: the defaults).
func NewListKeysPaginator(ks *Keystore, in *ListKeysInput) *ListKeysPaginator {
	p := &ListKeysPaginator{ks: ks}
	if in != nil {
		p.in = *in
	}
	p.marker = p.in.Marker
	return p
}

// NextPage returns the next page; after the last one, HasMorePages is false.
func (p *ListKeysPaginator) NextPage() (*ListKeysOutput, error) {
	in := p.in
	in.Marker = p.marker
	out, err := p.ks.ListKeysPage(&in)
	if err != nil {
		return nil, err
	}
	p.next(out.Truncated, out.NextMarker)
	return out, nil
}

// ListAliasesPaginator walks ListAliasesPage page by page (aws-sdk-go-v2's
// kms.ListAliasesPaginator).
type ListAliasesPaginator struct {
	pager
	ks *Keystore
	in ListAliasesInput
}

// NewListAliasesPaginator returns a paginator over ListAliasesPage from in (nil: the defaults).
func NewListAliasesPaginator(ks *Keystore, in *ListAliasesInput) *ListAliasesPaginator {
	p := &ListAliasesPaginator{ks: ks}
	if in != nil {
		p.in = *in
	}
	p.marker = p.in.Marker
	return p
}

// NextPage returns the next page; after the last one, HasMorePages is false.
func (p *ListAliasesPaginator) NextPage() (*ListAliasesOutput, error) {
	in := p.in
	in.Marker = p.marker
	out, err := p.ks.ListAliasesPage(&in)
	if err != nil {
		return nil, err
	}
	p.next(out.Truncated, out.NextMarker)
	return out, nil
}

// ListKeyRotationsPaginator walks ListKeyRotationsPage page by page (aws-sdk-go-v2's
// kms.ListKeyRotationsPaginator).
type ListKeyRotationsPaginator struct {
	pager
	ks *Keystore
	in ListKeyRotationsInput
}

// NewListKeyRotationsPaginator returns a paginator over ListKeyRotationsPage from in.
func NewListKeyRotationsPaginator(ks *Keystore, in *ListKeyRotationsInput) *ListKeyRotationsPaginator {
	p := &ListKeyRotationsPaginator{ks: ks}
	if in != nil {
		p.in = *in
	}
	p.marker = p.in.Marker
	return p
}

// NextPage returns the next page; after the last one, HasMorePages is false.
func (p *ListKeyRotationsPaginator) NextPage() (*ListKeyRotationsOutput, error) {
	in := p.in
	in.Marker = p.marker
	out, err := p.ks.ListKeyRotationsPage(&in)
	if err != nil {
		return nil, err
	}
	p.next(out.Truncated, out.NextMarker)
	return out, nil
}
