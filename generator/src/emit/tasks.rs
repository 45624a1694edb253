//! `wait_for_task`: the one helper the generator adds beyond the spec, because every
//! mutating call of every namespace answers with a task reference that only the prism
//! namespace can follow.
//!
//! It is emitted on the tag API of an operation `getTaskById` whose answer is the envelope
//! of a task object with a `status` enum (prism's `config::Task`), next to a `TaskReference`
//! object with an `extId` in the same package: `wait_for_task(&reference, options)` and
//! `wait_for_task_id(ext_id, options)` poll that operation with the runtime's
//! [`task::wait`](../../../ntnx_runtime/task/fn.wait.html) loop and give back the generated
//! task. A spec without that shape gets no helper; the workspace tests use the helper of
//! the pinned prism spec, so losing it fails them.

use proc_macro2::TokenStream;
use quote::quote;

use super::models::{presence, Presence};
use super::names::{field_names, ident};
use super::plan::{Convert, OperationPlan, ResponseKind, TagPlan};
use super::types::{Scope, TypeSpace};
use crate::ir::{Field, Scalar, Struct, TypeKey, TypeKind, TypeRef};
use crate::layout::SpecCrate;

/// The operation whose answer is a task.
const GET_TASK: &str = "getTaskById";

/// The helpers for `tag`, if it holds [`GET_TASK`] in the expected shape.
pub fn task_helpers(
    space: &TypeSpace<'_>,
    spec: &SpecCrate,
    tag: &TagPlan<'_>,
    scope: &Scope,
) -> Option<TokenStream> {
    let plan = tag.operations.iter().find(|p| p.operation.id == GET_TASK)?;
    let (task_key, status) = task_type(space, plan)?;
    let reference = reference_type(space, spec, task_key);
    let task = space.path(task_key, scope);
    let status_enum = match &status.ty {
        TypeRef::Named(key) => space.path(key, scope),
        _ => return None,
    };
    let status_field = field_ident(space, task_key, &status.name)?;
    let get = ident(&plan.method);
    let by_reference = reference.map(|(key, ext_id)| {
        let reference = space.path(key, scope);
        let field = field_ident(space, key, &ext_id.name).expect("extId is a field of its type");
        let ext_id = match presence(ext_id) {
            Presence::Plain => quote!(Some(reference.#field.as_str())),
            _ => quote!(reference.#field.as_deref()),
        };
        quote! {
            /// Polls the task `reference` names (what creates, updates, deletes and actions
            /// answer with) until it ends. `SUCCEEDED` gives the task; `FAILED` and
            /// `CANCELED` give an error of kind `ntnx_runtime::ErrorKind::Task` that carries
            /// the task (`error.task::<Task>()`) and its messages; a wait longer than
            /// `options.timeout` gives a timeout error.
            pub async fn wait_for_task(
                &self,
                reference: &#reference,
                options: ntnx_runtime::task::WaitOptions,
            ) -> Result<#task, ntnx_runtime::Error> {
                let ext_id = ntnx_runtime::task::reference_ext_id(#ext_id)?;
                self.wait_for_task_id(ext_id, options).await
            }
        }
    });
    Some(quote! {
        #by_reference

        /// Polls task `ext_id` with `getTaskById` until it ends: `SUCCEEDED` gives the task,
        /// `FAILED` and `CANCELED` an error of kind `ntnx_runtime::ErrorKind::Task` carrying
        /// it, a wait longer than `options.timeout` a timeout error.
        pub async fn wait_for_task_id(
            &self,
            ext_id: &str,
            options: ntnx_runtime::task::WaitOptions,
        ) -> Result<#task, ntnx_runtime::Error> {
            ntnx_runtime::task::wait(
                ext_id,
                options,
                || {
                    let request = self.#get(ext_id);
                    async move { request.send().await?.into_data() }
                },
                |task: &#task| task.#status_field.as_ref().map(#status_enum::as_str),
            )
            .await
        }
    })
}

/// The task type `getTaskById` answers with, and its optional `status` enum field; `None`
/// unless its one required parameter is text and it answers with an envelope of a struct.
fn task_type<'s>(
    space: &'s TypeSpace<'_>,
    plan: &OperationPlan<'_>,
) -> Option<(&'s TypeKey, &'s Field)> {
    let required: Vec<_> = plan.params.iter().filter(|p| p.required).collect();
    let [param] = required.as_slice() else {
        return None;
    };
    if param.convert != Convert::Into {
        return None;
    }
    let ResponseKind::Envelope { data, .. } = plan.response else {
        return None;
    };
    let key = space.struct_key(data)?;
    let status = struct_of(space, key)?
        .fields
        .iter()
        .find(|f| f.name == "status")?;
    let is_enum =
        matches!(&status.ty, TypeRef::Named(k) if matches!(space.def(k).kind, TypeKind::Enum(_)));
    (is_enum && presence(status) == Presence::Optional).then_some((&space.def(key).key, status))
}

/// The `TaskReference` object of the task's package, and its text `extId` field.
fn reference_type<'s>(
    space: &'s TypeSpace<'_>,
    spec: &SpecCrate,
    task: &TypeKey,
) -> Option<(&'s TypeKey, &'s Field)> {
    let (_, key) = spec.components.iter().find(|(_, key)| {
        key.inline.is_empty()
            && key.schema.name == "TaskReference"
            && key.schema.namespace == task.schema.namespace
            && key.schema.modules == task.schema.modules
    })?;
    let key = &space.def(key).key;
    let ext_id = struct_of(space, key)?
        .fields
        .iter()
        .find(|f| f.name == "extId" && f.ty == TypeRef::Scalar(Scalar::String) && !f.secret)?;
    Some((key, ext_id))
}

fn struct_of<'s>(space: &'s TypeSpace<'_>, key: &TypeKey) -> Option<&'s Struct> {
    match &space.def(key).kind {
        TypeKind::Struct(object) => Some(object),
        _ => None,
    }
}

/// The Rust field ident of property `name` of struct `key`.
fn field_ident(space: &TypeSpace<'_>, key: &TypeKey, name: &str) -> Option<proc_macro2::Ident> {
    let object = struct_of(space, key)?;
    let names = field_names(object.fields.iter().map(|f| f.name.as_str()));
    let index = object.fields.iter().position(|f| f.name == name)?;
    Some(ident(&names[index]))
}
