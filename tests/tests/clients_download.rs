//! The image download (`getFileByImageId`) streams its body: chunks reach the caller
//! while the server is still sending, and the whole file is never held in memory.

use std::time::Duration;

use crate::clients_support::*;
use futures::StreamExt as _;
use ntnx_vmm::VmmClient;

const MIB: usize = 1 << 20;
const PARTS: usize = 8;

/// The byte at `offset` of the test file: not periodic on any chunk size.
fn byte_at(offset: usize) -> u8 {
    (offset.wrapping_mul(31) ^ (offset / 4099)) as u8
}

#[tokio::test]
async fn get_file_by_image_id_streams_a_multi_megabyte_body_chunk_by_chunk() {
    // 8 MiB in 1 MiB HTTP chunks; the server sends the second half only after the
    // caller has received part of the first. A client that read the whole body before
    // handing out the first chunk would wait forever here.
    let (open_gate, gate) = tokio::sync::oneshot::channel::<()>();
    let mut gate = Some(gate);
    let parts = (0..PARTS)
        .map(|i| {
            let bytes = (i * MIB..(i + 1) * MIB).map(byte_at).collect::<Vec<u8>>();
            (if i == PARTS / 2 { gate.take() } else { None }, bytes)
        })
        .collect();
    let server = RawServer::start(vec![RawResponse {
        status: "200 OK",
        headers: vec![
            ("content-type".into(), "application/octet-stream".into()),
            (
                "content-disposition".into(),
                "attachment; filename=\"ubuntu-22.04.qcow2\"".into(),
            ),
        ],
        body: Body::Chunked(parts),
    }])
    .await;

    let response = VmmClient::new(client(&server.base))
        .images()
        .get_file_by_image_id(IMAGE_ID)
        .send()
        .await
        .expect("getFileByImageId succeeds");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/octet-stream")
    );

    let mut body = response.into_body();
    let mut open_gate = Some(open_gate);
    let (mut received, mut chunks, mut largest) = (0usize, 0usize, 0usize);
    let mut received_before_gate = 0;
    loop {
        let next = tokio::time::timeout(Duration::from_secs(5), body.next())
            .await
            .expect("the first chunks arrive before the server sends the rest");
        let Some(chunk) = next else { break };
        let chunk = chunk.expect("a chunk");
        for (i, byte) in chunk.iter().enumerate() {
            assert_eq!(*byte, byte_at(received + i), "byte {}", received + i);
        }
        received += chunk.len();
        chunks += 1;
        largest = largest.max(chunk.len());
        if received >= MIB {
            if let Some(open) = open_gate.take() {
                received_before_gate = received;
                open.send(()).expect("the server waits for the gate");
            }
        }
    }

    assert_eq!(received, PARTS * MIB);
    assert!(
        received_before_gate < PARTS * MIB,
        "data came before the whole body was sent"
    );
    assert!(chunks > PARTS, "{chunks} chunks");
    assert!(largest <= 2 * MIB, "largest chunk {largest} bytes");

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, "GET");
    assert_eq!(
        requests[0].target,
        format!("/api/vmm/v4.0/content/images/{IMAGE_ID}/file")
    );
    // The media type the spec declares for the download.
    assert_eq!(
        requests[0].header("accept"),
        Some("application/octet-stream, application/json")
    );
    assert_eq!(
        requests[0].header("authorization"),
        Some(basic_header().as_str())
    );
}
