//! Wire tests of the HTTP runtime against mock servers on 127.0.0.1.

mod wire {
    pub mod common;

    mod auth;
    mod batch;
    mod budget;
    mod deadlines;
    mod errors;
    mod limits;
    mod odata;
    mod paginate;
    mod redirects;
    mod requests;
    mod retries;
    mod secrets;
    mod streaming;
    mod tasks;
    mod tls;
}
