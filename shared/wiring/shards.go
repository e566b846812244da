package wiring

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/lucian-app/phase12/shared/opsstore"
)

// EnvFlowBucketShards is how many items each flow-metric bucket in OpsTable is spread over
// (opsstore.Store.Shards): the template gives every function with OPS_TABLE the same
// FlowBucketShards parameter, since a reader sees only the shards it counts. Unset is 0,
// one item per bucket (the layout before sharding), which is what tests and tools that
// build a function without the template get.
const EnvFlowBucketShards = "FLOW_BUCKET_SHARDS"

// flowBucketShards reads EnvFlowBucketShards.
func flowBucketShards(d Deps) (int, error) {
	v := strings.TrimSpace(d.Getenv(EnvFlowBucketShards))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > opsstore.MaxShards {
		return 0, fmt.Errorf("configuration: %s=%q is not a number of shards from 0 to %d", EnvFlowBucketShards, v, opsstore.MaxShards)
	}
	return n, nil
}
