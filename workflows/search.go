package workflows

import (
	enums "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
)

// The order workflows' search attributes: what operators find orders by in
// the Temporal UI and with `temporal workflow list --query`. Their names are
// part of the platform's interface (saved queries use them); the workflow
// keeps OrderStatus and OrderStatusChangedAt current at every transition.
var (
	OrderStatusKey          = temporal.NewSearchAttributeKeyKeyword("OrderStatus")
	CustomerEmailKey        = temporal.NewSearchAttributeKeyKeyword("CustomerEmail")
	OrderTotalCentsKey      = temporal.NewSearchAttributeKeyInt64("OrderTotalCents")
	OrderCurrencyKey        = temporal.NewSearchAttributeKeyKeyword("OrderCurrency")
	OrderStatusChangedAtKey = temporal.NewSearchAttributeKeyTime("OrderStatusChangedAt")
)

// SearchAttributes are the keys above with their types, as the namespace
// must have them (workflowclient registers them).
var SearchAttributes = map[string]enums.IndexedValueType{
	OrderStatusKey.GetName():          enums.INDEXED_VALUE_TYPE_KEYWORD,
	CustomerEmailKey.GetName():        enums.INDEXED_VALUE_TYPE_KEYWORD,
	OrderTotalCentsKey.GetName():      enums.INDEXED_VALUE_TYPE_INT,
	OrderCurrencyKey.GetName():        enums.INDEXED_VALUE_TYPE_KEYWORD,
	OrderStatusChangedAtKey.GetName(): enums.INDEXED_VALUE_TYPE_DATETIME,
}
