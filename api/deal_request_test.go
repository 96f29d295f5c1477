package api

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestDealUpsertRequestDecoding(t *testing.T) {
	var req dealUpsertRequest
	if err := json.Unmarshal([]byte(`{"amount": null, "industry": "retail", "stage": "proposal"}`), &req); err != nil {
		t.Fatal(err)
	}
	up := req.toDealUpsert()
	if !up.Amount.Set || up.Amount.Value != nil || !up.Industry.Set || *up.Industry.Value != "retail" ||
		up.Name != nil || up.Personas != nil || up.ClosedAt.Set || *up.Stage != "proposal" {
		t.Errorf("upsert = %+v", up)
	}
	var typeErr *json.UnmarshalTypeError
	err := json.Unmarshal([]byte(`{"amount": "ten"}`), &req)
	if !errors.As(err, &typeErr) || typeErr.Field != "amount" {
		t.Errorf("err = %#v, want a type error on amount", err)
	}
	err = json.Unmarshal([]byte(`{"closed_at": "yesterday"}`), &req)
	if !errors.As(err, &typeErr) || typeErr.Field != "closed_at" {
		t.Errorf("err = %#v, want a type error on closed_at", err)
	}
}
