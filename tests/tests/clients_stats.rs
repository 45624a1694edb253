//! Stats operations: the required `$startTime`/`$endTime` date-times and the `$statType`
//! enum on the wire, and the decoded time series.

use crate::clients_support::*;
use ntnx_runtime::DateTime;
use ntnx_shared::common::v1::stats::DownSamplingOperator;
use ntnx_vmm::VmmClient;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const VM_ID: &str = "1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b";

#[tokio::test]
async fn get_vm_stats_by_id_encodes_times_and_stat_type() {
    let server = MockServer::start().await;
    let body = entity_envelope(
        json!({
            "extId": VM_ID,
            "stats": [
                {
                    "timestamp": "2024-05-01T10:00:00+05:30",
                    "hypervisorCpuUsagePpm": 153_000,
                    "guestMemoryUsagePpm": 412_000,
                    "$objectType": "vmm.v4.ahv.stats.VmStatsTuple"
                },
                {
                    "timestamp": "2024-05-01T10:00:30+05:30",
                    "hypervisorCpuUsagePpm": 161_250,
                    "guestMemoryUsagePpm": 415_500,
                    "$objectType": "vmm.v4.ahv.stats.VmStatsTuple"
                }
            ],
            "$objectType": "vmm.v4.ahv.stats.VmStats",
            "$reserved": {"$fv": "v4.r0"}
        }),
        "vmm.v4.ahv.stats.GetVmStatsApiResponse",
    );
    Mock::given(method("GET"))
        .and(path(format!("/api/vmm/v4.0/ahv/stats/vms/{VM_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;

    let start = DateTime::parse("2024-05-01T10:00:00.000+05:30").expect("date-time");
    let end = DateTime::parse("2024-05-01T11:00:00Z").expect("date-time");
    let stats = VmmClient::new(client(&server.uri()))
        .stats()
        .get_vm_stats_by_id(VM_ID, start, end)
        .sampling_interval(30)
        .stat_type(DownSamplingOperator::Avg)
        .select_raw("stats/hypervisorCpuUsagePpm,stats/guestMemoryUsagePpm")
        .send()
        .await
        .expect("getVmStatsById succeeds")
        .into_data()
        .expect("data");

    let requests = server.received_requests().await.expect("recorded");
    // `+` must be %2B: a literal `+` reads as a space to the server.
    assert_eq!(
        query(&requests[0]),
        "$startTime=2024-05-01T10%3A00%3A00.000%2B05%3A30\
         &$endTime=2024-05-01T11%3A00%3A00Z\
         &$samplingInterval=30\
         &$statType=AVG\
         &$select=stats%2FhypervisorCpuUsagePpm%2Cstats%2FguestMemoryUsagePpm"
    );

    assert_eq!(stats.ext_id.value().map(String::as_str), Some(VM_ID));
    let series = stats.stats.as_deref().expect("stats");
    assert_eq!(series.len(), 2);
    assert_eq!(series[1].hypervisor_cpu_usage_ppm, Some(161_250));
    assert_eq!(series[1].guest_memory_usage_ppm, Some(415_500));
    let at = series[1].timestamp.as_ref().expect("timestamp");
    assert_eq!(at.as_str(), "2024-05-01T10:00:30+05:30");
    assert_eq!(at.unix_seconds(), 1_714_537_830);
}

#[tokio::test]
async fn list_vm_stats_sends_computed_times_and_any_stat_type() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/vmm/v4.0/ahv/stats/vms"))
        .respond_with(ResponseTemplate::new(200).set_body_json(list_envelope(
            vec![],
            list_metadata(0, 0, 10),
            "vmm.v4.ahv.stats.ListVmStatsApiResponse",
        )))
        .expect(1)
        .mount(&server)
        .await;

    let end = DateTime::from_unix(1_714_557_600, 0);
    let start = DateTime::from_unix(1_714_557_600 - 3600, 250_000_000);
    let page = VmmClient::new(client(&server.uri()))
        .stats()
        .list_vm_stats(start, end)
        .stat_type(DownSamplingOperator::Unrecognized("P95".to_owned()))
        .limit(10)
        .send()
        .await
        .expect("listVmStats succeeds");

    let requests = server.received_requests().await.expect("recorded");
    assert_eq!(
        query(&requests[0]),
        "$startTime=2024-05-01T09%3A00%3A00.25Z&$endTime=2024-05-01T10%3A00%3A00Z\
         &$statType=P95&$limit=10"
    );
    assert_eq!(page.data.map(|d| d.len()), Some(0));
}
