//! Accounts, API keys (hash only), sessions and one-time sign-in links.

use super::{now_ms, on_pool, on_writer, Columns, Store, StoreResult};
use app::model::AccountId;

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

fn key_row(r: &impl Columns) -> KeyRow {
    KeyRow {
        id: r.text("id"),
        prefix: r.text("prefix"),
        created_at: r.int("created_at"),
        revoked_at: r.opt_int("revoked_at"),
    }
}

fn account_row(r: &impl Columns) -> StoreResult<AccountRow> {
    Ok(AccountRow {
        id: account_id(&r.text("id"))?,
        name: r.text("name"),
    })
}

impl Store {
    pub async fn count_accounts(&self) -> StoreResult<i64> {
        Ok(
            on_pool!(self, pool => sqlx::query_scalar("select count(*) from accounts")
            .fetch_one(pool)
            .await?),
        )
    }

    /// Creates an account; `None` when the name is taken.
    pub async fn create_account(&self, account: NewAccount<'_>) -> StoreResult<Option<AccountRow>> {
        let sql = self.sql(
            "insert into accounts (id, name, created_at) values (?, ?, ?) on conflict (name) do nothing",
        );
        let inserted = on_writer!(self, pool => sqlx::query(&sql)
            .bind(account.id.to_string())
            .bind(account.name)
            .bind(now_ms())
            .execute(pool)
            .await?
            .rows_affected());
        Ok((inserted == 1).then(|| AccountRow {
            id: account.id,
            name: account.name.to_string(),
        }))
    }

    pub async fn account_by_name(&self, name: &str) -> StoreResult<Option<AccountRow>> {
        let sql = self.sql("select id, name from accounts where name = ?");
        on_pool!(self, pool => sqlx::query(&sql)
            .bind(name)
            .fetch_optional(pool)
            .await?
            .as_ref()
            .map(account_row)
            .transpose())
    }

    pub async fn insert_api_key(
        &self,
        account: AccountId,
        id: &str,
        prefix: &str,
        key_hash: &str,
    ) -> StoreResult<()> {
        let sql = self.sql(
            "insert into api_keys (id, account_id, prefix, key_hash, created_at) values (?, ?, ?, ?, ?)",
        );
        on_writer!(self, pool => sqlx::query(&sql)
            .bind(id)
            .bind(account.to_string())
            .bind(prefix)
            .bind(key_hash)
            .bind(now_ms())
            .execute(pool)
            .await
            .map(drop)?);
        Ok(())
    }

    /// The account's keys, oldest first.
    pub async fn api_keys(&self, account: AccountId) -> StoreResult<Vec<KeyRow>> {
        let sql = self.sql(
            "select id, prefix, created_at, revoked_at from api_keys where account_id = ? order by created_at, id",
        );
        Ok(on_pool!(self, pool => sqlx::query(&sql)
            .bind(account.to_string())
            .fetch_all(pool)
            .await?
            .iter()
            .map(key_row)
            .collect()))
    }

    /// Revokes one of the account's keys, named by its ID, and answers it as it is now;
    /// `None` when the account has no such key. Revoking a revoked key keeps its first
    /// revocation time.
    pub async fn revoke_api_key(&self, account: AccountId, id: &str) -> StoreResult<Option<KeyRow>> {
        let sql = self.sql(
            "update api_keys set revoked_at = coalesce(revoked_at, ?) where account_id = ? and id = ? \
             returning id, prefix, created_at, revoked_at",
        );
        Ok(on_writer!(self, pool => sqlx::query(&sql)
            .bind(now_ms())
            .bind(account.to_string())
            .bind(id)
            .fetch_optional(pool)
            .await?
            .as_ref()
            .map(key_row)))
    }

    pub async fn account_for_key_hash(&self, key_hash: &str) -> StoreResult<Option<AccountId>> {
        let sql = self.sql("select account_id from api_keys where key_hash = ? and revoked_at is null");
        let id: Option<String> = on_pool!(self, pool => sqlx::query_scalar(&sql)
            .bind(key_hash)
            .fetch_optional(pool)
            .await?);
        id.as_deref().map(account_id).transpose()
    }

    pub async fn insert_session(&self, account: AccountId, token_hash: &str, ttl_ms: i64) -> StoreResult<()> {
        self.insert_token("sessions", account, token_hash, ttl_ms).await
    }

    /// A session or sign-in link: the token's hash, valid for `ttl_ms` from now.
    async fn insert_token(
        &self,
        table: &str,
        account: AccountId,
        token_hash: &str,
        ttl_ms: i64,
    ) -> StoreResult<()> {
        let now = now_ms();
        let sql = self
            .sql(&format!(
                "insert into {table} (token_hash, account_id, created_at, expires_at) values (?, ?, ?, ?)"
            ))
            .into_owned();
        on_writer!(self, pool => sqlx::query(&sql)
            .bind(token_hash)
            .bind(account.to_string())
            .bind(now)
            .bind(now + ttl_ms)
            .execute(pool)
            .await
            .map(drop)?);
        Ok(())
    }

    pub async fn account_for_session(&self, token_hash: &str) -> StoreResult<Option<AccountId>> {
        let sql = self.sql("select account_id from sessions where token_hash = ? and expires_at > ?");
        let id: Option<String> = on_pool!(self, pool => sqlx::query_scalar(&sql)
            .bind(token_hash)
            .bind(now_ms())
            .fetch_optional(pool)
            .await?);
        id.as_deref().map(account_id).transpose()
    }

    pub async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        let sql = self.sql("delete from sessions where token_hash = ?");
        on_writer!(self, pool => sqlx::query(&sql)
            .bind(token_hash)
            .execute(pool)
            .await
            .map(drop)?);
        Ok(())
    }

    pub async fn insert_sign_in_link(
        &self,
        account: AccountId,
        token_hash: &str,
        ttl_ms: i64,
    ) -> StoreResult<()> {
        self.insert_token("sign_in_links", account, token_hash, ttl_ms)
            .await
    }

    /// Spends a sign-in link: at most once, and only before it expires.
    pub async fn consume_sign_in_link(&self, token_hash: &str) -> StoreResult<Option<AccountId>> {
        let now = now_ms();
        let sql = self.sql(
            "update sign_in_links set used_at = ? \
             where token_hash = ? and used_at is null and expires_at > ? returning account_id",
        );
        let id: Option<String> = on_writer!(self, pool => sqlx::query_scalar(&sql)
            .bind(now)
            .bind(token_hash)
            .bind(now)
            .fetch_optional(pool)
            .await?);
        id.as_deref().map(account_id).transpose()
    }
}
