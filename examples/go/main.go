// A Go program declaring VM recovery protection with the vmr provider plugin. The three
// resources are registered by their type tokens (vmr:index:*); their inputs and outputs are
// described in schema.json at the repo root.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// RecoveryTarget holds the outputs this program reads; the engine fills them from the plugin.
type RecoveryTarget struct {
	pulumi.CustomResourceState
	Name    pulumi.StringOutput      `pulumi:"name"`
	Site    pulumi.StringOutput      `pulumi:"site"`
	Systems pulumi.StringArrayOutput `pulumi:"systems"`
	Adapter pulumi.MapOutput         `pulumi:"adapter"`
	Verify  pulumi.BoolOutput        `pulumi:"verify"`
	Health  pulumi.StringOutput      `pulumi:"health"`
}

type StorageMapping struct {
	pulumi.CustomResourceState
	Name             pulumi.StringOutput `pulumi:"name"`
	ConsistencyGroup pulumi.StringOutput `pulumi:"consistencyGroup"`
	ReplicationState pulumi.StringOutput `pulumi:"replicationState"`
}

type ProtectionGroup struct {
	pulumi.CustomResourceState
	Readiness pulumi.MapOutput `pulumi:"readiness"`
}

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		var target RecoveryTarget
		if err := ctx.RegisterResource("vmr:index:RecoveryTarget", "drTarget", pulumi.Map{
			"site":    pulumi.String("site-b"),
			"systems": pulumi.ToStringArray([]string{"sys-b-01", "sys-b-02", "sys-b-03"}),
			"reserve": pulumi.Map{"processorUnits": pulumi.Float64(0.5), "memoryGb": pulumi.Float64(8)},
		}, &target); err != nil {
			return err
		}

		var volumes StorageMapping
		if err := ctx.RegisterResource("vmr:index:StorageMapping", "dbVolumes", pulumi.Map{
			"consistencyGroup": pulumi.String("cg-00001"),
			"pairs": pulumi.Array{
				pulumi.Map{"source": pulumi.String("vol-00001-1"), "replica": pulumi.String("vol-00001-1-r")},
				pulumi.Map{"source": pulumi.String("vol-00001-2"), "replica": pulumi.String("vol-00001-2-r")},
			},
		}, &volumes); err != nil {
			return err
		}

		// A TypeScript ProtectionGroup fills `context` from the target and mappings it refers to;
		// here the program passes their outputs itself.
		var group ProtectionGroup
		if err := ctx.RegisterResource("vmr:index:ProtectionGroup", "db", pulumi.Map{
			"slaLevel":        pulumi.Int(7),
			"vms":             pulumi.Array{pulumi.Map{"lpar": pulumi.String("lpar-00001")}},
			"recoveryTarget":  target.Name,
			"storageMappings": pulumi.StringArray{volumes.Name},
			"context": pulumi.Map{
				"target": pulumi.Map{
					"site":    target.Site,
					"systems": target.Systems,
					"adapter": target.Adapter,
					"verify":  target.Verify,
				},
				"consistencyGroups": pulumi.StringArray{volumes.ConsistencyGroup},
			},
		}, &group); err != nil {
			return err
		}

		ctx.Export("targetHealth", target.Health)
		ctx.Export("replication", volumes.ReplicationState)
		ctx.Export("readiness", group.Readiness.MapIndex(pulumi.String("status")))
		return nil
	})
}
