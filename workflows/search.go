package workflows

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	enums "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"
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

// searchAttributes are the keys above with their types, as the namespace
// must have them.
var searchAttributes = map[string]enums.IndexedValueType{
	OrderStatusKey.GetName():          enums.INDEXED_VALUE_TYPE_KEYWORD,
	CustomerEmailKey.GetName():        enums.INDEXED_VALUE_TYPE_KEYWORD,
	OrderTotalCentsKey.GetName():      enums.INDEXED_VALUE_TYPE_INT,
	OrderCurrencyKey.GetName():        enums.INDEXED_VALUE_TYPE_KEYWORD,
	OrderStatusChangedAtKey.GetName(): enums.INDEXED_VALUE_TYPE_DATETIME,
}

// RegisterSearchAttributes adds the order search attributes the namespace
// lacks and returns their names; registering again adds nothing.
func RegisterSearchAttributes(ctx context.Context, c client.Client, namespace string) ([]string, error) {
	missing, err := MissingSearchAttributes(ctx, c, namespace)
	if err != nil || len(missing) == 0 {
		return nil, err
	}
	add := map[string]enums.IndexedValueType{}
	for _, name := range missing {
		add[name] = searchAttributes[name]
	}
	_, err = c.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
		Namespace: namespace, SearchAttributes: add,
	})
	if err != nil {
		return nil, fmt.Errorf("add search attributes %s to namespace %s: %w", strings.Join(missing, ", "), namespace, err)
	}
	return missing, nil
}

// ErrSearchAttributeType is a search attribute of the namespace whose type
// is not the one the order workflows need: adding cannot mend it.
var ErrSearchAttributeType = errors.New("order search attribute of the wrong type")

// MissingSearchAttributes lists the order search attributes the namespace
// does not have. One registered with another type is ErrSearchAttributeType.
func MissingSearchAttributes(ctx context.Context, c client.Client, namespace string) ([]string, error) {
	resp, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return nil, fmt.Errorf("list search attributes of namespace %s: %w", namespace, err)
	}
	var missing []string
	for name, want := range searchAttributes {
		got, ok := resp.GetCustomAttributes()[name]
		switch {
		case !ok:
			missing = append(missing, name)
		case got != want:
			return nil, fmt.Errorf("%w: %s of namespace %s is %s, not %s", ErrSearchAttributeType, name, namespace, got, want)
		}
	}
	sort.Strings(missing)
	return missing, nil
}
