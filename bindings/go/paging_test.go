package strongroom

import (
	"fmt"
	"testing"
)

// TestPagedLists: ListKeysPage, ListAliasesPage and ListKeyRotationsPage page by the core's rule
// (both sides of each Limit bound, markers good only for their own list), and the paginators
// walk every page once.
func TestPagedLists(t *testing.T) {
	ks, _, _ := open(t)
	var ids []string
	for i := 0; i < 5; i++ {
		k := newKey(t, ks)
		ids = append(ids, k.KeyId)
		must(t, ks.CreateAlias(fmt.Sprintf("alias/p%d", i), k.KeyId))
	}
	all, err := ks.ListKeys()
	must(t, err)

	// The paginator walks every key once, in ListKeys's order.
	var walked []string
	pages := 0
	for p := NewListKeysPaginator(ks, &ListKeysInput{Limit: 2}); p.HasMorePages(); {
		page, err := p.NextPage()
		must(t, err)
		pages++
		if len(page.Keys) > 2 || page.Truncated != (page.NextMarker != "") {
			t.Fatalf("page %d: %+v", pages, page)
		}
		for _, k := range page.Keys {
			walked = append(walked, k.KeyId)
		}
	}
	if pages != 3 || len(walked) != len(all) {
		t.Fatalf("%d pages, %d keys; want 3 pages, %d keys", pages, len(walked), len(all))
	}
	for i, k := range all {
		if walked[i] != k.KeyId {
			t.Fatalf("key %d: %s, want %s", i, walked[i], k.KeyId)
		}
	}

	// Limit bounds: ListKeys and ListKeyRotations 1 to 1000, ListAliases 1 to 100.
	_, err = ks.ListKeysPage(&ListKeysInput{Limit: 1001})
	expect(t, err, ErrValidation)
	keys, err := ks.ListKeysPage(&ListKeysInput{Limit: 1000})
	must(t, err)
	if len(keys.Keys) != 5 || keys.Truncated || keys.NextMarker != "" {
		t.Fatalf("Limit 1000: %+v", keys)
	}
	first, err := ks.ListKeysPage(&ListKeysInput{Limit: 1})
	must(t, err)
	if len(first.Keys) != 1 || !first.Truncated {
		t.Fatalf("Limit 1: %+v", first)
	}
	_, err = ks.ListAliasesPage(&ListAliasesInput{Limit: 101})
	expect(t, err, ErrValidation)
	aliases, err := ks.ListAliasesPage(&ListAliasesInput{Limit: 100})
	must(t, err)
	if len(aliases.Aliases) != 5 || aliases.Truncated {
		t.Fatalf("aliases: %+v", aliases)
	}
	aliases, err = ks.ListAliasesPage(&ListAliasesInput{KeyId: ids[3], Limit: 1})
	must(t, err)
	if len(aliases.Aliases) != 1 || aliases.Aliases[0].AliasName != "alias/p3" || aliases.Truncated {
		t.Fatalf("aliases of one key: %+v", aliases)
	}
	var names []string
	for p := NewListAliasesPaginator(ks, &ListAliasesInput{Limit: 2}); p.HasMorePages(); {
		page, err := p.NextPage()
		must(t, err)
		for _, a := range page.Aliases {
			names = append(names, a.AliasName)
		}
	}
	if fmt.Sprint(names) != "[alias/p0 alias/p1 alias/p2 alias/p3 alias/p4]" {
		t.Fatalf("aliases walked: %v", names)
	}
	must(t, ks.RotateKeyOnDemand(ids[0]))
	must(t, ks.RotateKeyOnDemand(ids[0]))
	_, err = ks.ListKeyRotationsPage(&ListKeyRotationsInput{KeyId: ids[0], Limit: 1001})
	expect(t, err, ErrValidation)
	rotations, err := ks.ListKeyRotationsPage(&ListKeyRotationsInput{KeyId: ids[0], Limit: 1000})
	must(t, err)
	if len(rotations.Rotations) != 2 || rotations.Truncated {
		t.Fatalf("rotations: %+v", rotations)
	}
	entries := 0
	for p := NewListKeyRotationsPaginator(ks, &ListKeyRotationsInput{KeyId: ids[0], IncludeKeyMaterial: "ALL_KEY_MATERIAL", Limit: 1}); p.HasMorePages(); {
		page, err := p.NextPage()
		must(t, err)
		entries += len(page.Rotations)
	}
	if entries != 3 {
		t.Fatalf("ALL_KEY_MATERIAL walked %d entries, want 3", entries)
	}

	// A marker is good only for the list that returned it; garbage is ErrInvalidMarker too.
	_, err = ks.ListAliasesPage(&ListAliasesInput{Marker: first.NextMarker})
	expect(t, err, ErrInvalidMarker)
	_, err = ks.ListKeyRotationsPage(&ListKeyRotationsInput{KeyId: ids[0], Marker: first.NextMarker})
	expect(t, err, ErrInvalidMarker)
	_, err = ks.ListKeysPage(&ListKeysInput{Marker: "not a marker"})
	expect(t, err, ErrInvalidMarker)
	_, err = ks.ListKeysPage(&ListKeysInput{Marker: first.NextMarker})
	must(t, err)
	p := NewListKeysPaginator(ks, &ListKeysInput{Marker: "zz"})
	_, err = p.NextPage()
	expect(t, err, ErrInvalidMarker)
}
