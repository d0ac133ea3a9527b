// A Go program declaring VM recovery protection with the vmr provider plugin. The four
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

// NetworkMapping: site A's VLANs and subnet onto site B's; its declaration goes into the group's context.
type NetworkMapping struct {
	pulumi.CustomResourceState
	Name       pulumi.StringOutput `pulumi:"name"`
	SourceSite pulumi.StringOutput `pulumi:"sourceSite"`
	TargetSite pulumi.StringOutput `pulumi:"targetSite"`
	Switches   pulumi.ArrayOutput  `pulumi:"switches"`
	Vlans      pulumi.ArrayOutput  `pulumi:"vlans"`
	DrillVlans pulumi.ArrayOutput  `pulumi:"drillVlans"`
	IpRules    pulumi.MapOutput    `pulumi:"ipRules"`
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

		// preset:small: site A carries VLANs 101-104, site B 201-204 and the drill VLANs 3001-3004.
		vlans := pulumi.Array{}
		drill := pulumi.Array{}
		for k := 1; k <= 4; k++ {
			vlans = append(vlans, pulumi.Map{"source": pulumi.Int(100 + k), "target": pulumi.Int(200 + k)})
			drill = append(drill, pulumi.Map{"source": pulumi.Int(100 + k), "target": pulumi.Int(3000 + k)})
		}
		var network NetworkMapping
		if err := ctx.RegisterResource("vmr:index:NetworkMapping", "drNetwork", pulumi.Map{
			"sourceSite": pulumi.String("site-a"),
			"targetSite": pulumi.String("site-b"),
			"switches":   pulumi.Array{pulumi.Map{"source": pulumi.String("ETHERNET0"), "target": pulumi.String("ETHERNET0")}},
			"vlans":      vlans,
			"drillVlans": drill,
			"ipRules": pulumi.Map{"subnets": pulumi.Array{pulumi.Map{
				"source": pulumi.String("10.1.0.0/16"), "target": pulumi.String("10.2.0.0/16"), "gateway": pulumi.String("10.2.0.1"),
			}}},
		}, &network); err != nil {
			return err
		}

		// A TypeScript ProtectionGroup fills `context` from the target and mappings it refers to;
		// here the program passes their outputs itself.
		var group ProtectionGroup
		if err := ctx.RegisterResource("vmr:index:ProtectionGroup", "db", pulumi.Map{
			"slaLevel":         pulumi.Int(7),
			"rtoBudgetSeconds": pulumi.Int(1800),
			"vms":              pulumi.Array{pulumi.Map{"lpar": pulumi.String("lpar-00001")}},
			"recoveryTarget":   target.Name,
			"storageMappings":  pulumi.StringArray{volumes.Name},
			"networkMapping":   network.Name,
			"context": pulumi.Map{
				"target": pulumi.Map{
					"site":    target.Site,
					"systems": target.Systems,
					"adapter": target.Adapter,
					"verify":  target.Verify,
				},
				"consistencyGroups": pulumi.StringArray{volumes.ConsistencyGroup},
				"network": pulumi.Map{
					"name":       network.Name,
					"sourceSite": network.SourceSite,
					"targetSite": network.TargetSite,
					"switches":   network.Switches,
					"vlans":      network.Vlans,
					"drillVlans": network.DrillVlans,
					"ipRules":    network.IpRules,
				},
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
