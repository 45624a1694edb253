//! One runtime `Client` serves every namespace crate: a vmm, a clustermgmt and a volumes
//! call go over one pooled connection and share the session cookie.

use crate::clients_support::*;
use ntnx_clustermgmt::ClustermgmtClient;
use ntnx_vmm::VmmClient;
use ntnx_volumes::VolumesClient;
use serde_json::json;

#[tokio::test]
async fn vmm_clustermgmt_and_volumes_share_one_connection_and_session() {
    let cluster = json!({
        "extId": CLUSTER_ID,
        "name": "PHX-POC071",
        "nodes": {
            "numberOfNodes": 3,
            "$objectType": "clustermgmt.v4.config.NodeReference"
        },
        "config": {
            "buildInfo": {"version": "6.8.1", "$objectType": "clustermgmt.v4.config.BuildReference"},
            "hypervisorTypes": ["AHV"],
            "redundancyFactor": 2,
            "isAvailable": true,
            "$objectType": "clustermgmt.v4.config.ClusterConfigReference"
        },
        "upgradeStatus": "SUCCEEDED",
        "vmCount": 42,
        "inefficientVmCount": 3,
        "$objectType": "clustermgmt.v4.config.Cluster",
        "$reserved": {"$fv": "v4.r0"}
    });
    let volume_group = |ext_id: &str, name: &str| {
        json!({
            "extId": ext_id,
            "name": name,
            "sharingStatus": "SHARED",
            "usageType": "USER",
            "clusterReference": CLUSTER_ID,
            "isHidden": false,
            "$objectType": "volumes.v4.config.VolumeGroup",
            "$reserved": {"$fv": "v4.r0"}
        })
    };
    let server = RawServer::start(vec![
        raw_json(
            "200 OK",
            &entity_envelope(
                image(IMAGE_ID, "fileserver_2024.1", 1 << 30),
                "vmm.v4.content.GetImageApiResponse",
            ),
            &[(
                "set-cookie",
                "NTNX_IGW_SESSION=eyJhbGciOiJSUzI1NiJ9.session; Path=/; Secure; HttpOnly",
            )],
        ),
        raw_json(
            "200 OK",
            &entity_envelope(cluster, "clustermgmt.v4.config.GetClusterApiResponse"),
            &[],
        ),
        raw_json(
            "200 OK",
            &list_envelope(
                vec![
                    volume_group(VG_ID, "sql-data"),
                    volume_group("8a6e1c20-3b4d-4f5e-8a7b-9c0d1e2f3a4c", "sql-logs"),
                ],
                list_metadata(2, 0, 50),
                "volumes.v4.config.ListVolumeGroupsApiResponse",
            ),
            &[],
        ),
    ])
    .await;

    let client = client(&server.base);
    let vmm = VmmClient::new(client.clone());
    let clustermgmt = ClustermgmtClient::new(client.clone());
    let volumes = VolumesClient::new(client);

    let image = vmm
        .images()
        .get_image_by_id(IMAGE_ID)
        .send()
        .await
        .expect("vmm getImageById")
        .into_data()
        .expect("data");
    let cluster = clustermgmt
        .clusters()
        .get_cluster_by_id(CLUSTER_ID)
        .send()
        .await
        .expect("clustermgmt getClusterById")
        .into_data()
        .expect("data");
    let groups = volumes
        .volume_groups()
        .list_volume_groups()
        .send()
        .await
        .expect("volumes listVolumeGroups")
        .into_data()
        .expect("data");

    assert_eq!(image.name, "fileserver_2024.1");
    assert_eq!(cluster.name.as_deref(), Some("PHX-POC071"));
    assert_eq!(cluster.vm_count, Some(42));
    let config = cluster.config.as_ref().expect("config");
    assert_eq!(
        config
            .build_info
            .as_ref()
            .and_then(|b| b.version.as_deref()),
        Some("6.8.1")
    );
    assert_eq!(
        cluster.nodes.as_ref().and_then(|n| n.number_of_nodes),
        Some(3)
    );
    let names: Vec<_> = groups.iter().filter_map(|g| g.name.as_deref()).collect();
    assert_eq!(names, ["sql-data", "sql-logs"]);
    assert_eq!(groups[0].cluster_reference.as_deref(), Some(CLUSTER_ID));

    let requests = server.requests();
    let targets: Vec<&str> = requests.iter().map(|r| r.target.as_str()).collect();
    assert_eq!(
        targets,
        [
            format!("/api/vmm/v4.0/content/images/{IMAGE_ID}").as_str(),
            format!("/api/clustermgmt/v4.0/config/clusters/{CLUSTER_ID}").as_str(),
            "/api/volumes/v4.0/config/volume-groups",
        ]
    );
    assert_eq!(
        server.connections(),
        1,
        "one pooled connection for all three"
    );
    assert!(requests.iter().all(|r| r.connection == 0));
    // The first call authenticates; the session cookie it got serves the other crates.
    assert_eq!(
        requests[0].header("authorization"),
        Some(basic_header().as_str())
    );
    for request in &requests[1..] {
        assert_eq!(
            request.header("cookie"),
            Some("NTNX_IGW_SESSION=eyJhbGciOiJSUzI1NiJ9.session"),
            "{}",
            request.target
        );
        assert_eq!(request.header("authorization"), None, "{}", request.target);
    }
}
