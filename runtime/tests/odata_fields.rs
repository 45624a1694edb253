//! Every operator and function of the typed field handles, against the OData text of
//! `../shared/odata.md`, written by hand: each guide example in the same form, then the
//! remaining operators of each handle.

use ntnx_runtime::odata::{
    BoolField, CollectionField, DateTimeField, EnumField, Expand, ExpandField, Field, Filter,
    NumberField, OrderBy, OrderField, Select, SelectField, StringField,
};
use ntnx_runtime::DateTime;

/// A generated enum stands in as anything that displays its wire value.
#[derive(Clone, Copy)]
enum SubnetType {
    Overlay,
    Vlan,
}

impl std::fmt::Display for SubnetType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SubnetType::Overlay => "OVERLAY",
            SubnetType::Vlan => "VLAN",
        })
    }
}

fn subnet_type() -> EnumField<SubnetType> {
    EnumField::new("subnetType", "Networking.Config.SubnetType")
}

fn name() -> StringField {
    StringField::new("name")
}

fn num_sockets() -> NumberField<i32> {
    NumberField::new("numSockets")
}

#[test]
fn the_guides_examples() {
    assert_eq!(name().eq("api_v4").to_string(), "name eq 'api_v4'");
    assert_eq!(num_sockets().ge(21).to_string(), "numSockets ge 21");
    assert_eq!(
        num_sockets().eq(1).and(name().eq("api_v4")).to_string(),
        "numSockets eq 1 and name eq 'api_v4'"
    );
    assert_eq!(
        (!name().startswith("pc")).to_string(),
        "not startswith(name, 'pc')"
    );
    assert_eq!(name().is_in(["test_1"]).to_string(), "name in ('test_1')");
    assert_eq!(
        name().contains("test").to_string(),
        "contains(name, 'test')"
    );
    assert_eq!(
        name().tolower().eq("testvm").to_string(),
        "tolower(name) eq 'testvm'"
    );
    let categories = CollectionField::new("categories", "x", StringField::new("x"));
    assert_eq!(
        categories.any(|x| x.eq("prod")).to_string(),
        "categories/any(x: x eq 'prod')"
    );
    assert_eq!(
        subnet_type().eq(SubnetType::Overlay).to_string(),
        "subnetType eq Networking.Config.SubnetType'OVERLAY'"
    );
    assert_eq!(
        OrderBy::from(OrderField::new("name").asc()).to_string(),
        "name asc"
    );
    assert_eq!(
        OrderBy::from(OrderField::new("templateName").desc()).to_string(),
        "templateName desc"
    );
    assert_eq!(Select::from(SelectField::new("name")).to_string(), "name");
    assert_eq!(
        Select::from([SelectField::new("name"), SelectField::new("containerExtId")]).to_string(),
        "name,containerExtId"
    );
    assert_eq!(
        Expand::from(ExpandField::new("cluster")).to_string(),
        "cluster"
    );
}

#[test]
fn strings() {
    assert_eq!(name().ne("a").to_string(), "name ne 'a'");
    assert_eq!(name().gt("a").to_string(), "name gt 'a'");
    assert_eq!(name().ge("a").to_string(), "name ge 'a'");
    assert_eq!(name().lt("a").to_string(), "name lt 'a'");
    assert_eq!(name().le("a").to_string(), "name le 'a'");
    assert_eq!(name().eq("it's").to_string(), "name eq 'it''s'");
    assert_eq!(
        name()
            .is_in(vec!["a".to_owned(), "b".to_owned()])
            .to_string(),
        "name in ('a','b')"
    );
    assert_eq!(
        name().startswith("web").to_string(),
        "startswith(name, 'web')"
    );
    assert_eq!(name().endswith("-01").to_string(), "endswith(name, '-01')");
    assert_eq!(
        name().toupper().endswith("X").to_string(),
        "endswith(toupper(name), 'X')"
    );
    assert_eq!(
        StringField::new("cluster/extId").eq("0005").to_string(),
        "cluster/extId eq '0005'"
    );
}

#[test]
fn numbers_booleans_and_date_times() {
    let size = NumberField::<i64>::new("sizeBytes");
    assert_eq!(size.clone().eq(1).to_string(), "sizeBytes eq 1");
    assert_eq!(size.clone().ne(1).to_string(), "sizeBytes ne 1");
    assert_eq!(
        size.clone().gt(1 << 30).to_string(),
        "sizeBytes gt 1073741824"
    );
    assert_eq!(size.clone().lt(-1).to_string(), "sizeBytes lt -1");
    assert_eq!(size.clone().le(0).to_string(), "sizeBytes le 0");
    assert_eq!(size.is_in([1, 2]).to_string(), "sizeBytes in (1,2)");
    let ratio = NumberField::<f64>::new("ratio");
    assert_eq!(ratio.ge(0.5).to_string(), "ratio ge 0.5");

    let agent = BoolField::new("isAgentVm");
    assert_eq!(agent.clone().eq(true).to_string(), "isAgentVm eq true");
    assert_eq!(agent.ne(false).to_string(), "isAgentVm ne false");

    let t = DateTime::parse("2024-05-01T10:00:00Z").expect("a date-time");
    let created = DateTimeField::new("createTime");
    assert_eq!(
        created.clone().gt(&t).to_string(),
        "createTime gt 2024-05-01T10:00:00Z"
    );
    assert_eq!(
        created.clone().ge(t.clone()).to_string(),
        "createTime ge 2024-05-01T10:00:00Z"
    );
    assert_eq!(
        created.clone().lt(&t).to_string(),
        "createTime lt 2024-05-01T10:00:00Z"
    );
    assert_eq!(
        created.clone().le(&t).to_string(),
        "createTime le 2024-05-01T10:00:00Z"
    );
    assert_eq!(
        created.clone().eq(&t).to_string(),
        "createTime eq 2024-05-01T10:00:00Z"
    );
    assert_eq!(
        created.ne(&t).to_string(),
        "createTime ne 2024-05-01T10:00:00Z"
    );
}

#[test]
fn enums_and_collections() {
    assert_eq!(
        subnet_type().ne(SubnetType::Vlan).to_string(),
        "subnetType ne Networking.Config.SubnetType'VLAN'"
    );
    assert_eq!(
        subnet_type()
            .is_in([SubnetType::Overlay, SubnetType::Vlan])
            .to_string(),
        "subnetType in (Networking.Config.SubnetType'OVERLAY',Networking.Config.SubnetType'VLAN')"
    );
    let types = CollectionField::new(
        "types",
        "t",
        EnumField::<SubnetType>::new("t", "Networking.Config.SubnetType"),
    );
    assert_eq!(
        types.any(|t| t.eq(SubnetType::Vlan)).to_string(),
        "types/any(t: t eq Networking.Config.SubnetType'VLAN')"
    );
    let nics = CollectionField::new("nics", "n", Field::new("n"));
    assert_eq!(
        nics.any(|n| n.path("networkInfo/subnet/extId").eq("s1"))
            .to_string(),
        "nics/any(n: n/networkInfo/subnet/extId eq 's1')"
    );
}

#[test]
fn combinations_and_options() {
    let a = name().eq("a");
    let b = num_sockets().eq(2);
    let either: Filter = a.clone().or(b.clone());
    assert_eq!(
        either.and(name().endswith("z")).to_string(),
        "(name eq 'a' or numSockets eq 2) and endswith(name, 'z')"
    );
    assert_eq!(
        a.and(Filter::raw("custom eq 1 or other eq 2")).to_string(),
        "name eq 'a' and (custom eq 1 or other eq 2)"
    );
    assert_eq!(
        OrderBy::from([
            OrderField::new("name").asc(),
            OrderField::new("sizeBytes").desc()
        ])
        .to_string(),
        "name asc,sizeBytes desc"
    );
    assert_eq!(
        Expand::from(vec![
            ExpandField::new("cluster").select_raw("name"),
            ExpandField::new("metadata")
                .filter_raw("ownerId eq 'u1'")
                .orderby_raw("ownerId desc"),
        ])
        .to_string(),
        "cluster($select=name),metadata($filter=ownerId eq 'u1';$orderby=ownerId desc)"
    );
}
