//! `GET /profiles`: every caption profile, its extension, whether it can be read and
//! written, and its options. Public: the API Playground and scripts read it before signing in.

use app::model::ProfileInfo;
use axum::Json;
use serde::Serialize;

#[derive(Serialize)]
pub struct Profiles {
    profiles: Vec<ProfileInfo>,
}

pub async fn list_profiles() -> Json<Profiles> {
    Json(Profiles {
        profiles: crate::service::profiles(),
    })
}
