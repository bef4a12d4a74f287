//! Accounts, API keys (hash only), sessions and one-time sign-in links.

use super::{now_ms, Store, StoreResult};
use app::model::AccountId;
use sqlx::Row;

#[derive(Debug, Clone)]
pub struct AccountRow {
    pub id: AccountId,
    pub name: String,
}

/// An API key as listings show it: never the key itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRow {
    pub id: String,
    /// The key's first characters (`ccj_` + 6), enough to recognise it.
    pub prefix: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// A new account's identity.
pub struct NewAccount<'a> {
    pub id: AccountId,
    pub name: &'a str,
}

pub(super) fn account_id(s: &str) -> StoreResult<AccountId> {
    s.parse()
        .map(AccountId)
        .map_err(|_| super::StoreError::Corrupt(format!("account id {s:?} is not a UUID")))
}

fn key_row(r: &sqlx::sqlite::SqliteRow) -> KeyRow {
    KeyRow {
        id: r.get("id"),
        prefix: r.get("prefix"),
        created_at: r.get("created_at"),
        revoked_at: r.get("revoked_at"),
    }
}

impl Store {
    pub async fn count_accounts(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("select count(*) from accounts")
            .fetch_one(&self.pool)
            .await?)
    }

    /// Creates an account; `None` when the name is taken.
    pub async fn create_account(&self, account: NewAccount<'_>) -> StoreResult<Option<AccountRow>> {
        let result = sqlx::query(
            "insert into accounts (id, name, created_at) values (?, ?, ?) on conflict (name) do nothing",
        )
        .bind(account.id.to_string())
        .bind(account.name)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok((result.rows_affected() == 1).then(|| AccountRow {
            id: account.id,
            name: account.name.to_string(),
        }))
    }

    pub async fn account_by_name(&self, name: &str) -> StoreResult<Option<AccountRow>> {
        let row = sqlx::query("select id, name from accounts where name = ?")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok(AccountRow {
                id: account_id(r.get("id"))?,
                name: r.get("name"),
            })
        })
        .transpose()
    }

    pub async fn insert_api_key(
        &self,
        account: AccountId,
        id: &str,
        prefix: &str,
        key_hash: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "insert into api_keys (id, account_id, prefix, key_hash, created_at) values (?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(account.to_string())
        .bind(prefix)
        .bind(key_hash)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The account's keys, oldest first.
    pub async fn api_keys(&self, account: AccountId) -> StoreResult<Vec<KeyRow>> {
        let rows = sqlx::query(
            "select id, prefix, created_at, revoked_at from api_keys where account_id = ? order by created_at, id",
        )
        .bind(account.to_string())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(key_row).collect())
    }

    /// Revokes one of the account's keys, named by its ID, and answers it as it is now;
    /// `None` when the account has no such key. Revoking a revoked key keeps its first
    /// revocation time.
    pub async fn revoke_api_key(&self, account: AccountId, id: &str) -> StoreResult<Option<KeyRow>> {
        let row = sqlx::query(
            "update api_keys set revoked_at = coalesce(revoked_at, ?) where account_id = ? and id = ? \
             returning id, prefix, created_at, revoked_at",
        )
        .bind(now_ms())
        .bind(account.to_string())
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| key_row(&r)))
    }

    pub async fn account_for_key_hash(&self, key_hash: &str) -> StoreResult<Option<AccountId>> {
        let id: Option<String> =
            sqlx::query_scalar("select account_id from api_keys where key_hash = ? and revoked_at is null")
                .bind(key_hash)
                .fetch_optional(&self.pool)
                .await?;
        id.as_deref().map(account_id).transpose()
    }

    pub async fn insert_session(&self, account: AccountId, token_hash: &str, ttl_ms: i64) -> StoreResult<()> {
        let now = now_ms();
        sqlx::query(
            "insert into sessions (token_hash, account_id, created_at, expires_at) values (?, ?, ?, ?)",
        )
        .bind(token_hash)
        .bind(account.to_string())
        .bind(now)
        .bind(now + ttl_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn account_for_session(&self, token_hash: &str) -> StoreResult<Option<AccountId>> {
        let id: Option<String> =
            sqlx::query_scalar("select account_id from sessions where token_hash = ? and expires_at > ?")
                .bind(token_hash)
                .bind(now_ms())
                .fetch_optional(&self.pool)
                .await?;
        id.as_deref().map(account_id).transpose()
    }

    pub async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("delete from sessions where token_hash = ?")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn insert_sign_in_link(
        &self,
        account: AccountId,
        token_hash: &str,
        ttl_ms: i64,
    ) -> StoreResult<()> {
        let now = now_ms();
        sqlx::query(
            "insert into sign_in_links (token_hash, account_id, created_at, expires_at) values (?, ?, ?, ?)",
        )
        .bind(token_hash)
        .bind(account.to_string())
        .bind(now)
        .bind(now + ttl_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Spends a sign-in link: at most once, and only before it expires.
    pub async fn consume_sign_in_link(&self, token_hash: &str) -> StoreResult<Option<AccountId>> {
        let now = now_ms();
        let id: Option<String> = sqlx::query_scalar(
            "update sign_in_links set used_at = ? \
             where token_hash = ? and used_at is null and expires_at > ? returning account_id",
        )
        .bind(now)
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        id.as_deref().map(account_id).transpose()
    }
}
