//! A lost refresh answer must not sign the phone out: for a short window after a refresh token is
//! spent, its successor pair is kept sealed with a key only the spent token gives
//! (`successor_sealed`), so the same token presented again answers the same pair. `successor_id`
//! names the token that pair carries. The partial index serves the job that clears sealed pairs
//! past the window.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    SuccessorId,
    SuccessorSealed,
}

const INDEX: &str = "ix_refresh_tokens__sealed";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use RefreshTokens as R;
        // One column per statement: SQLite alters one at a time.
        for mut column in
            [ColumnDef::new(R::SuccessorId).uuid().to_owned(), ColumnDef::new(R::SuccessorSealed).blob().to_owned()]
        {
            manager.alter_table(Table::alter().table(R::Table).add_column(&mut column).to_owned()).await?;
        }
        // PostgreSQL and SQLite take the same partial index.
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "CREATE INDEX {INDEX} ON refresh_tokens (used_at) WHERE successor_sealed IS NOT NULL"
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use RefreshTokens as R;
        manager.drop_index(Index::drop().name(INDEX).table(R::Table).to_owned()).await?;
        for column in [R::SuccessorSealed, R::SuccessorId] {
            manager.alter_table(Table::alter().table(R::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
