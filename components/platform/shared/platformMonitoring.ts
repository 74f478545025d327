/** What a platform that deploys monitoring tells the stack (its outputs). */
import type * as pulumi from "@pulumi/pulumi";

export interface PlatformMonitoring {
    /** Grafana from where `pulumi up` runs (docker) or inside the cluster (kubernetes). */
    grafanaUrl: pulumi.Input<string>;
    /** Prometheus, when the stack runs it (not in the kubernetes operator mode). */
    prometheusUrl?: pulumi.Input<string>;
    /** Grafana's `admin` password. Secret. */
    grafanaAdminPassword: pulumi.Output<string>;
    /** Prometheus' `admin` password (its UI and API), when the stack runs it. Secret. */
    prometheusAdminPassword?: pulumi.Output<string>;
}
