//! The role reference (`GET /roles`) and side-by-side comparison
//! (`GET /compare?a=ROLE&b=ROLE`), server-rendered with askama (auto-escaped).

use crate::AppState;
use crate::error::ApiError;
use askama::Template;
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use nextseat_core::RoleId;
use nextseat_core::compare::{compare, facets};
use serde::Deserialize;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/roles", get(roles))
        .route("/compare", get(compare_page))
}

struct RoleView {
    id: &'static str,
    name: String,
    short: String,
    summary: String,
    facets: Vec<(&'static str, String)>,
    notes: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "roles.html")]
struct RolesPage {
    roles: Vec<RoleView>,
}

fn render(t: &impl Template) -> Result<Html<String>, ApiError> {
    t.render()
        .map(Html)
        .map_err(|e| ApiError::Internal(e.to_string()))
}

/// The role reference: every role, facet by facet, with the articles behind it.
#[utoipa::path(get, path = "/roles", operation_id = "roles", tag = "site",
    responses(
        (status = 200, description = "The role reference, an HTML page", body = String, content_type = "text/html"),
        crate::error::SitePageErrors
    ))]
pub async fn roles(State(state): State<AppState>) -> Result<Html<String>, ApiError> {
    let kb = &state.kb;
    let roles = kb
        .roles
        .iter()
        .map(|r| RoleView {
            id: r.id.as_str(),
            name: r.name.clone(),
            short: r.short_name.clone(),
            summary: r.summary.text.clone(),
            facets: facets(kb, r),
            notes: r
                .notes
                .iter()
                .map(|n| (n.text.clone(), n.source.clone()))
                .collect(),
        })
        .collect();
    render(&RolesPage { roles })
}

/// `?a=ROLE&b=ROLE`, each at most once; empty or absent means the default.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Pair {
    /// The left role (default `cso`).
    #[param(schema_with = role_or_empty)]
    a: Option<String>,
    /// The right role (default `coo`).
    #[param(schema_with = role_or_empty)]
    b: Option<String>,
}

/// A role id, or empty for the default.
fn role_or_empty() -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(std::iter::once("").chain(RoleId::ids())))
        .description(Some("A role id, or empty for the default"))
        .build()
}

#[derive(Template)]
#[template(path = "compare.html")]
struct ComparePage {
    left: String,
    right: String,
    a: &'static str,
    b: &'static str,
    options: Vec<(&'static str, String)>,
    rows: Vec<(&'static str, String, String)>,
    notes: Vec<(String, String)>,
}

/// Two roles side by side.
#[utoipa::path(get, path = "/compare", operation_id = "compare", tag = "site",
    params(Pair),
    responses(
        (status = 200, description = "The comparison, an HTML page", body = String, content_type = "text/html"),
        crate::error::SiteQueryErrors
    ))]
pub async fn compare_page(
    State(state): State<AppState>,
    pair: Result<Query<Pair>, QueryRejection>,
) -> Result<Html<String>, ApiError> {
    let Query(pair) = pair.map_err(|r| {
        ApiError::BadRequest(format!(
            "the query string could not be read: {}; give a and b at most once each, as ?a=ROLE&b=ROLE",
            crate::error::rejection_words(&r.body_text())
        ))
    })?;
    let role = |s: Option<&str>, default: RoleId| -> Result<RoleId, ApiError> {
        match s {
            None | Some("") => Ok(default),
            Some(x) => RoleId::from_name(x).ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "unknown role; valid roles: {}",
                    RoleId::ids().join(", ")
                ))
            }),
        }
    };
    let a = role(pair.a.as_deref(), RoleId::Cso)?;
    let b = role(pair.b.as_deref(), RoleId::Coo)?;
    let kb = &state.kb;
    let c = compare(kb, a, b);
    render(&ComparePage {
        left: kb.role(a).name.clone(),
        right: kb.role(b).name.clone(),
        a: a.as_str(),
        b: b.as_str(),
        options: kb
            .roles
            .iter()
            .map(|r| (r.id.as_str(), r.name.clone()))
            .collect(),
        rows: c
            .rows
            .into_iter()
            .map(|r| (r.facet, r.left, r.right))
            .collect(),
        notes: c.notes.into_iter().map(|n| (n.text, n.source)).collect(),
    })
}
