package workflowclient

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	enums "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/acme/orders/workflows"
)

// RegisterSearchAttributes adds the order search attributes the namespace
// lacks and returns their names; registering again adds nothing.
func RegisterSearchAttributes(ctx context.Context, c client.Client, namespace string) ([]string, error) {
	missing, err := MissingSearchAttributes(ctx, c, namespace)
	if err != nil || len(missing) == 0 {
		return nil, err
	}
	add := map[string]enums.IndexedValueType{}
	for _, name := range missing {
		add[name] = workflows.SearchAttributes[name]
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
	for name, want := range workflows.SearchAttributes {
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
