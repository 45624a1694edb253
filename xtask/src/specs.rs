//! Getting spec files: every pinned file the folders lack is downloaded from its pinned URL
//! into the user cache ([`ensure_pinned`]), and `cargo xtask specs` fetches or probes
//! versions that are not pinned yet.
//!
//! - `cargo xtask specs fetch NAMESPACE VERSION [--pin]`: downloads the portal's file of that
//!   version into the cache, prints its sha256 and counts and the manifest entry to add;
//!   `--pin` adds it to `specs/manifest.toml` (or updates the entry of that namespace).
//! - `cargo xtask specs probe NAMESPACE`: asks the portal for the likely versions of a
//!   namespace (`v4.0` to `v4.9`, with release candidates `b1`-`b3` and early access
//!   `a1`-`a3` of each) and lists those it serves. The portal publishes no index of
//!   versions, so this is a probe, not a listing.

use std::path::{Path, PathBuf};

use ntnx_generator::locate::{cache_dir, SpecDirs};
use ntnx_generator::manifest::{sha256_hex, Manifest, PinnedSpec};

use crate::portal::{self, FetchError, Portal};
use crate::workspace;

const USAGE: &str = "usage:
  cargo xtask specs fetch NAMESPACE VERSION [--pin]   download a spec, print its pin
  cargo xtask specs probe NAMESPACE                   list the versions the portal serves";

pub fn run(args: &[String]) -> Result<(), String> {
    let pin = args.iter().any(|a| a == "--pin");
    let rest: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| *a != "--pin")
        .collect();
    match rest.as_slice() {
        ["fetch", namespace, version] => fetch(namespace, version, pin),
        ["probe", namespace] if !pin => probe(namespace),
        _ => Err(USAGE.to_owned()),
    }
}

/// How missing pinned files are fetched.
pub struct Fetcher {
    /// Where downloads go (and are looked for last).
    pub cache: Option<PathBuf>,
    /// Where they come from.
    pub portal: Portal,
    /// Never download.
    pub offline: bool,
}

impl Fetcher {
    /// The user's cache and portal (`NTNX_SPECS_CACHE`, `NTNX_SPECS_URL_BASE`).
    pub fn from_env(offline: bool) -> Fetcher {
        Fetcher {
            cache: cache_dir(),
            portal: Portal::from_env(),
            offline,
        }
    }
}

/// Makes every pinned file of `manifest` available in `dirs`: a file no folder has (or
/// that only the cache has with another sha256, from an older pin) is downloaded from its
/// pinned URL into the cache, unless the fetcher is offline. The sha256 is checked before
/// the file is written; a mismatch caches nothing.
pub fn ensure_pinned(
    manifest: &Manifest,
    dirs: &SpecDirs,
    fetcher: &Fetcher,
) -> Result<(), String> {
    for pinned in &manifest.specs {
        let found = dirs.find(&pinned.file);
        let stale_in_cache = match (&found, &fetcher.cache) {
            (Some(path), Some(cache)) if path.starts_with(cache) => std::fs::read(path)
                .map(|bytes| !sha256_hex(&bytes).eq_ignore_ascii_case(&pinned.sha256))
                .unwrap_or(true),
            _ => false,
        };
        if found.is_some() && !stale_in_cache {
            continue;
        }
        let url = fetcher.portal.rebased(&pinned.url);
        if fetcher.offline {
            return Err(format!(
                "{} is in none of {} and --offline forbids downloading it from {url}; put the \
                 file in a folder and pass --specs DIR or set NTNX_SPECS_DIR",
                pinned.file,
                dirs.describe()
            ));
        }
        let cache = fetcher.cache.as_ref().ok_or_else(|| {
            format!(
                "{} is missing and there is no cache folder to download it to; set \
                 NTNX_SPECS_CACHE, or pass --specs DIR",
                pinned.file
            )
        })?;
        fetch_pinned(pinned, &url, cache)?;
    }
    Ok(())
}

/// Downloads `pinned` from `url` into `cache`, checking its sha256 first.
fn fetch_pinned(pinned: &PinnedSpec, url: &str, cache: &Path) -> Result<(), String> {
    println!("fetching {} from {url}", pinned.file);
    let bytes = portal::download(url).map_err(|e| cannot_fetch(url, &e))?;
    let actual = sha256_hex(&bytes);
    if !actual.eq_ignore_ascii_case(&pinned.sha256) {
        return Err(format!(
            "{url} served {} with sha256 {actual}, but specs/manifest.toml pins {}; nothing was \
             cached (a new release of the spec? then update the pin)",
            pinned.file, pinned.sha256
        ));
    }
    let path = write_cached(cache, &pinned.file, &bytes)?;
    println!(
        "  {} bytes, sha256 ok, cached at {}",
        bytes.len(),
        path.display()
    );
    Ok(())
}

fn cannot_fetch(url: &str, error: &FetchError) -> String {
    format!(
        "cannot download {url}: {error}; without network access, put the files in a folder and \
         pass --specs DIR or set NTNX_SPECS_DIR"
    )
}

/// Writes `bytes` as `cache/file`, through a temporary file so a broken write leaves no
/// half file behind.
fn write_cached(cache: &Path, file: &str, bytes: &[u8]) -> Result<PathBuf, String> {
    std::fs::create_dir_all(cache).map_err(|e| format!("{}: {e}", cache.display()))?;
    let path = cache.join(file);
    let partial = cache.join(format!(".{file}.partial"));
    std::fs::write(&partial, bytes).map_err(|e| format!("{}: {e}", partial.display()))?;
    std::fs::rename(&partial, &path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

/// The file name the portal's spec of `namespace` at `version` is pinned under.
fn file_name(namespace: &str, version: &str) -> String {
    format!("swagger-{namespace}-{version}-all.yaml")
}

/// `cargo xtask specs fetch`.
fn fetch(namespace: &str, version: &str, pin: bool) -> Result<(), String> {
    if ntnx_generator::version::ApiVersion::parse(version).is_none() {
        return Err(format!(
            "`{version}` is not a version of the family (v4.0, v4.1.b2, v4.0.a3...)"
        ));
    }
    let url = Portal::from_env().spec_url(namespace, version);
    let bytes = portal::download(&url).map_err(|e| cannot_fetch(&url, &e))?;
    let cache = cache_dir().ok_or("no cache folder; set NTNX_SPECS_CACHE")?;
    let file = file_name(namespace, version);
    let path = write_cached(&cache, &file, &bytes)?;
    let sha256 = sha256_hex(&bytes);
    println!("{url}: {} bytes, cached at {}", bytes.len(), path.display());
    println!("sha256 {sha256}");
    match counts(&path, &bytes) {
        Ok(line) => println!("{line}"),
        Err(e) => println!("does not generate as it is: {e}"),
    }
    let entry = manifest_entry(namespace, version, &file, &sha256);
    if pin {
        let manifest = workspace::root().join("specs").join("manifest.toml");
        pin_entry(&manifest, namespace, &entry)?;
        println!("pinned in {}", manifest.display());
    } else {
        println!("manifest entry (or run again with --pin):\n\n{entry}");
    }
    Ok(())
}

/// Schemas, types and operations of a spec, as the generator reads it.
fn counts(path: &Path, bytes: &[u8]) -> Result<String, String> {
    let loaded = ntnx_generator::load::parse(path, bytes).map_err(|e| e.to_string())?;
    let crate_name = format!("ntnx-{}", loaded.namespace);
    let api = ntnx_generator::resolve::resolve(&loaded, &crate_name).map_err(|e| e.to_string())?;
    let mut line = format!(
        "{} schemas, {} types, {} operations",
        api.schema_count,
        api.types.len(),
        api.operations.len()
    );
    for correction in &api.corrections {
        line.push_str(&format!("\nwarning: accepted {correction}"));
    }
    Ok(line)
}

/// The `[[spec]]` table of a spec on the portal.
fn manifest_entry(namespace: &str, version: &str, file: &str, sha256: &str) -> String {
    format!(
        "[[spec]]\nnamespace = \"{namespace}\"\nversion = \"{version}\"\nfile = \"{file}\"\n\
         sha256 = \"{sha256}\"\nurl = \"{}/api/v1/namespaces/{namespace}/versions/{version}/yaml\"\n",
        portal::DEFAULT_BASE
    )
}

/// Adds `entry` to the manifest at `path`, replacing the `[[spec]]` table of `namespace`
/// (its fixes stay: a stale one fails the next generation, naming itself).
fn pin_entry(path: &Path, namespace: &str, entry: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let updated = replace_spec_table(&text, namespace, entry);
    Manifest::parse(&updated).map_err(|e| format!("the updated manifest is invalid: {e}"))?;
    std::fs::write(path, updated).map_err(|e| format!("{}: {e}", path.display()))
}

/// `text` with the keys of the `[[spec]]` table whose namespace is `namespace` replaced by
/// those of `entry`, or with `entry` appended when there is none.
fn replace_spec_table(text: &str, namespace: &str, entry: &str) -> String {
    let marker = format!("namespace = \"{namespace}\"");
    let lines: Vec<&str> = text.lines().collect();
    let tables: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].trim() == "[[spec]]")
        .collect();
    for (n, &start) in tables.iter().enumerate() {
        let end = tables.get(n + 1).copied().unwrap_or(lines.len());
        // The table's own keys end at its first sub-table (`[[spec.fix]]`) or blank line.
        let keys_end = (start + 1..end)
            .find(|&i| lines[i].trim().is_empty() || lines[i].trim_start().starts_with('['))
            .unwrap_or(end);
        if !lines[start..keys_end].iter().any(|l| l.trim() == marker) {
            continue;
        }
        let mut out: Vec<&str> = lines[..start].to_vec();
        out.extend(entry.lines());
        out.extend(&lines[keys_end..]);
        return out.join("\n") + "\n";
    }
    let mut out = text.trim_end().to_owned();
    out.push_str("\n\n");
    out.push_str(entry);
    out
}

/// `cargo xtask specs probe`.
fn probe(namespace: &str) -> Result<(), String> {
    let portal = Portal::from_env();
    let mut found = Vec::new();
    for revision in 0..10 {
        let ga = format!("v4.{revision}");
        let candidates = std::iter::once(ga.clone())
            .chain((1..=3).map(|n| format!("{ga}.b{n}")))
            .chain((1..=3).map(|n| format!("{ga}.a{n}")));
        for version in candidates {
            let url = portal.spec_url(namespace, &version);
            match portal::download(&url) {
                Ok(bytes) => {
                    println!("{version}: {} bytes ({url})", bytes.len());
                    found.push(version);
                }
                Err(FetchError::Status(_)) => {}
                Err(error) => return Err(cannot_fetch(&url, &error)),
            }
        }
    }
    if found.is_empty() {
        return Err(format!(
            "the portal serves no version v4.0 to v4.9 (with b1-b3, a1-a3) of `{namespace}`"
        ));
    }
    println!("{namespace}: {}", found.join(", "));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinning_replaces_the_table_of_the_namespace_and_keeps_its_fixes() {
        let text = "# comment\n\n[[spec]]\nnamespace = \"vmm\"\nversion = \"v4.0\"\nfile = \"a\"\n\
                    sha256 = \"x\"\nurl = \"u\"\n\n[[spec]]\nnamespace = \"prism\"\nversion = \
                    \"v4.0\"\nfile = \"b\"\nsha256 = \"y\"\nurl = \"v\"\n[[spec.fix]]\npointer = \"#/p\"\n";
        let entry = manifest_entry("prism", "v4.1", "c", "z");
        let updated = replace_spec_table(text, "prism", &entry);
        assert!(
            updated.starts_with("# comment\n\n[[spec]]\nnamespace = \"vmm\"\nversion = \"v4.0\"")
        );
        assert!(updated
            .contains("namespace = \"prism\"\nversion = \"v4.1\"\nfile = \"c\"\nsha256 = \"z\""));
        assert!(
            updated.ends_with("/yaml\"\n[[spec.fix]]\npointer = \"#/p\"\n"),
            "{updated}"
        );
        assert_eq!(updated.matches("[[spec]]").count(), 2);
        let added = replace_spec_table(text, "iam", &manifest_entry("iam", "v4.1.b2", "d", "w"));
        assert!(added.ends_with("versions/v4.1.b2/yaml\"\n"), "{added}");
        assert_eq!(added.matches("[[spec]]").count(), 3);
    }
}

/// Downloads against a portal stand-in on 127.0.0.1 (`spec_server.rs`).
#[cfg(test)]
mod download_tests {
    use super::*;
    use crate::spec_server::{Routes, SpecServer};

    /// A fresh empty folder.
    fn scratch(name: &str) -> PathBuf {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir = std::env::temp_dir().join(format!("xtask-{name}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// The published file `file` (test data, wherever the standard folders have it).
    fn published(file: &str) -> Vec<u8> {
        let dirs = SpecDirs::standard(None, &workspace::root());
        let path = dirs
            .find(file)
            .unwrap_or_else(|| panic!("{file} is in none of {}", dirs.describe()));
        std::fs::read(path).unwrap()
    }

    const VOLUMES: &str = "swagger-volumes-v4.0-all.yaml";

    /// A manifest pinning volumes v4.0 with `sha256` (the real one unless a test says).
    fn volumes_manifest(sha256: &str, version: &str) -> Manifest {
        Manifest::parse(&manifest_entry("volumes", version, VOLUMES, sha256)).unwrap()
    }

    struct Setup {
        server: SpecServer,
        manifest: Manifest,
        dirs: SpecDirs,
        fetcher: Fetcher,
        cache: PathBuf,
    }

    fn setup(name: &str, routes: Routes, manifest: Manifest) -> Setup {
        let server = SpecServer::start(routes);
        let cache = scratch(&format!("{name}-cache"));
        let dirs = SpecDirs::new(vec![scratch(&format!("{name}-specs")), cache.clone()]);
        let fetcher = Fetcher {
            cache: Some(cache.clone()),
            portal: Portal::at(&server.base),
            offline: false,
        };
        Setup {
            server,
            manifest,
            dirs,
            fetcher,
            cache,
        }
    }

    fn volumes_routes(body: Vec<u8>) -> Routes {
        let mut routes = Routes::default();
        routes
            .files
            .insert(SpecServer::path("volumes", "v4.0"), body);
        routes
    }

    #[test]
    fn a_missing_file_is_downloaded_checked_and_cached_then_found_there() {
        let bytes = published(VOLUMES);
        let s = setup(
            "download",
            volumes_routes(bytes.clone()),
            volumes_manifest(&sha256_hex(&bytes), "v4.0"),
        );
        ensure_pinned(&s.manifest, &s.dirs, &s.fetcher).unwrap();
        assert_eq!(std::fs::read(s.cache.join(VOLUMES)).unwrap(), bytes);
        assert_eq!(s.server.requests(), [SpecServer::path("volumes", "v4.0")]);
        // A cache hit: nothing is downloaded again, and the generator reads it from there.
        ensure_pinned(&s.manifest, &s.dirs, &s.fetcher).unwrap();
        assert_eq!(s.server.requests().len(), 1);
        let (path, _) = s.dirs.read_pinned(&s.manifest.specs[0]).unwrap();
        assert_eq!(path, s.cache.join(VOLUMES));
    }

    #[test]
    fn a_cached_file_of_an_older_pin_is_downloaded_again() {
        let bytes = published(VOLUMES);
        let s = setup(
            "stale",
            volumes_routes(bytes.clone()),
            volumes_manifest(&sha256_hex(&bytes), "v4.0"),
        );
        std::fs::write(s.cache.join(VOLUMES), b"an older release").unwrap();
        ensure_pinned(&s.manifest, &s.dirs, &s.fetcher).unwrap();
        assert_eq!(std::fs::read(s.cache.join(VOLUMES)).unwrap(), bytes);
    }

    #[test]
    fn a_hash_mismatch_names_the_url_and_both_hashes_and_caches_nothing() {
        let served = b"openapi: 3.0.1\n# not what was pinned\n".to_vec();
        let pinned = sha256_hex(&published(VOLUMES));
        let s = setup(
            "mismatch",
            volumes_routes(served.clone()),
            volumes_manifest(&pinned, "v4.0"),
        );
        let error = ensure_pinned(&s.manifest, &s.dirs, &s.fetcher).unwrap_err();
        let url = format!("{}{}", s.server.base, SpecServer::path("volumes", "v4.0"));
        for part in [
            url.as_str(),
            pinned.as_str(),
            sha256_hex(&served).as_str(),
            "nothing was cached",
        ] {
            assert!(error.contains(part), "`{part}` missing from: {error}");
        }
        assert_eq!(std::fs::read_dir(&s.cache).unwrap().count(), 0);
    }

    #[test]
    fn a_404_says_the_version_does_not_exist() {
        let s = setup(
            "missing",
            Routes::default(),
            volumes_manifest(&sha256_hex(b"x"), "v4.9"),
        );
        let error = ensure_pinned(&s.manifest, &s.dirs, &s.fetcher).unwrap_err();
        assert!(
            error.contains("404 Not Found: no such namespace or version"),
            "{error}"
        );
        assert!(error.contains("/versions/v4.9/yaml"), "{error}");
        // A 404 is final: one request, no retries.
        assert_eq!(s.server.requests().len(), 1);
    }

    #[test]
    fn dropped_connections_are_retried_and_then_reported() {
        let bytes = published(VOLUMES);
        let mut routes = volumes_routes(bytes.clone());
        routes.drop_first = 2;
        let s = setup(
            "drop",
            routes,
            volumes_manifest(&sha256_hex(&bytes), "v4.0"),
        );
        ensure_pinned(&s.manifest, &s.dirs, &s.fetcher).unwrap();
        assert!(s.cache.join(VOLUMES).is_file());

        let mut routes = volumes_routes(bytes.clone());
        routes.drop_first = usize::MAX;
        let s = setup(
            "drop-all",
            routes,
            volumes_manifest(&sha256_hex(&bytes), "v4.0"),
        );
        let error = ensure_pinned(&s.manifest, &s.dirs, &s.fetcher).unwrap_err();
        assert!(
            error.starts_with("cannot download http://127.0.0.1:"),
            "{error}"
        );
        assert!(error.contains("--specs DIR"), "{error}");
        assert_eq!(std::fs::read_dir(&s.cache).unwrap().count(), 0);
    }

    #[test]
    fn offline_never_downloads() {
        let bytes = published(VOLUMES);
        let mut s = setup(
            "offline",
            volumes_routes(bytes.clone()),
            volumes_manifest(&sha256_hex(&bytes), "v4.0"),
        );
        s.fetcher.offline = true;
        let error = ensure_pinned(&s.manifest, &s.dirs, &s.fetcher).unwrap_err();
        assert!(error.contains("--offline forbids downloading"), "{error}");
        assert!(error.contains(VOLUMES), "{error}");
        assert!(s.server.requests().is_empty());
    }

    /// A clean clone: no `../shared`, an empty cache, the portal a server on 127.0.0.1
    /// serving the pinned files. `generate` downloads them and makes `generated/` again,
    /// byte for byte.
    #[test]
    fn a_clean_clone_regenerates_generated_byte_for_byte_from_downloads() {
        let manifest = workspace::manifest().unwrap();
        let mut routes = Routes::default();
        for pinned in &manifest.specs {
            let path = pinned
                .url
                .strip_prefix(portal::DEFAULT_BASE)
                .expect("pins are portal URLs");
            routes
                .files
                .insert(path.to_owned(), published(&pinned.file));
        }
        let s = setup("clean-clone", routes, manifest);
        ensure_pinned(&s.manifest, &s.dirs, &s.fetcher).unwrap();
        assert_eq!(s.server.requests().len(), s.manifest.specs.len());
        let generated = ntnx_generator::generate_pinned_in(
            &s.manifest,
            &s.dirs,
            &ntnx_generator::emit::EmitOptions::workspace(),
        )
        .unwrap();
        let on_disk = workspace::root().join("generated");
        let mut differing = Vec::new();
        for file in &generated.files {
            if std::fs::read_to_string(on_disk.join(&file.path))
                .ok()
                .as_deref()
                != Some(file.contents.as_str())
            {
                differing.push(file.path.display().to_string());
            }
        }
        assert!(
            differing.is_empty(),
            "differ from generated/: {differing:?}"
        );
        assert_eq!(
            workspace::list_files(&on_disk).len(),
            generated.files.len(),
            "the same set of files"
        );
    }
}
