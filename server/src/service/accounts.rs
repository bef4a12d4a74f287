//! Accounts and signing in: API keys, sessions and one-time sign-in links.

use super::{Service, ServiceError};
use crate::store::{KeyRow, NewAccount};
use crate::tokens::{hash_token, key_label, random_token, API_KEY_PREFIX};
use app::model::AccountId;

/// Sessions last a week; sign-in links a day.
const SESSION_TTL_MS: i64 = 7 * 24 * 3_600_000;
const LINK_TTL_MS: i64 = 24 * 3_600_000;

/// A new account's secrets, shown once.
pub struct Credentials {
    pub account: AccountId,
    pub name: String,
    pub api_key: String,
    pub sign_in_token: String,
}

impl Service {
    /// Creates an account with its first API key and a one-time sign-in link.
    pub async fn create_account(&self, name: &str) -> Result<Credentials, ServiceError> {
        let name = name.trim();
        if name.is_empty() || name.len() > 100 {
            return Err(ServiceError::invalid(
                "invalid_name",
                "an account name must have 1 to 100 characters",
            ));
        }
        let id = AccountId(uuid::Uuid::new_v4());
        self.store
            .create_account(NewAccount { id, name })
            .await?
            .ok_or_else(|| {
                ServiceError::invalid(
                    "name_taken",
                    format!("an account named {name:?} already exists; pick another name"),
                )
            })?;
        let api_key = self.create_api_key(id).await?;
        let sign_in_token = self.create_sign_in_link(id).await?;
        Ok(Credentials {
            account: id,
            name: name.to_string(),
            api_key,
            sign_in_token,
        })
    }

    pub async fn create_api_key(&self, account: AccountId) -> Result<String, ServiceError> {
        let key = random_token(API_KEY_PREFIX);
        self.store
            .insert_api_key(
                account,
                &uuid::Uuid::new_v4().to_string(),
                &key_label(&key),
                &hash_token(&key),
            )
            .await?;
        Ok(key)
    }

    /// Revokes a key of the account, named by its ID or by its prefix (`ccj_1a2b3c`, as
    /// listings show it). A prefix that fits several keys is refused, naming their IDs.
    pub async fn revoke_api_key(&self, account: AccountId, which: &str) -> Result<KeyRow, ServiceError> {
        let keys = self.store.api_keys(account).await?;
        let matches: Vec<&KeyRow> = keys
            .iter()
            .filter(|k| k.id == which || k.prefix == which)
            .collect();
        let key = match matches.as_slice() {
            [key] => *key,
            [] => {
                return Err(ServiceError::invalid(
                    "unknown_key",
                    format!(
                    "the account has no API key {which:?}; `ccjobs account keys list NAME` shows its keys"
                ),
                ))
            }
            several => {
                let ids: Vec<&str> = several.iter().map(|k| k.id.as_str()).collect();
                return Err(ServiceError::invalid(
                    "ambiguous_key",
                    format!(
                        "{which:?} fits {} keys ({}); revoke one by its ID",
                        several.len(),
                        ids.join(", ")
                    ),
                ));
            }
        };
        self.store.revoke_api_key(account, &key.id).await?.ok_or_else(|| {
            ServiceError::invalid(
                "unknown_key",
                format!("API key {} vanished while being revoked", key.id),
            )
        })
    }

    pub async fn create_sign_in_link(&self, account: AccountId) -> Result<String, ServiceError> {
        let token = random_token("");
        self.store
            .insert_sign_in_link(account, &hash_token(&token), LINK_TTL_MS)
            .await?;
        Ok(token)
    }

    pub async fn account_for_api_key(&self, key: &str) -> Result<Option<AccountId>, ServiceError> {
        Ok(self.store.account_for_key_hash(&hash_token(key)).await?)
    }

    pub async fn account_for_session(&self, token: &str) -> Result<Option<AccountId>, ServiceError> {
        Ok(self.store.account_for_session(&hash_token(token)).await?)
    }

    /// Starts a session; returns its token (the cookie value).
    pub async fn start_session(&self, account: AccountId) -> Result<String, ServiceError> {
        let token = random_token("");
        self.store
            .insert_session(account, &hash_token(&token), SESSION_TTL_MS)
            .await?;
        Ok(token)
    }

    pub async fn sign_in_with_link(&self, token: &str) -> Result<Option<AccountId>, ServiceError> {
        Ok(self.store.consume_sign_in_link(&hash_token(token)).await?)
    }

    pub async fn end_session(&self, token: &str) -> Result<(), ServiceError> {
        Ok(self.store.delete_session(&hash_token(token)).await?)
    }
}
