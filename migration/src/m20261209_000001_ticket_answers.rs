//! A township's answer to a supervision ticket the district closes (an overdue item, an emergency
//! re-review, an escalated rejection, a sampled decision): the explanation, who gave it and when,
//! kept on the ticket for the district to read before it closes it.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SupervisionTickets {
    Table,
    Answer,
    AnsweredAt,
    AnsweredBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use SupervisionTickets as T;
        let columns = [
            ColumnDef::new(T::Answer).string_len(500).to_owned(),
            ColumnDef::new(T::AnsweredAt).timestamp_with_time_zone().to_owned(),
            ColumnDef::new(T::AnsweredBy).uuid().to_owned(),
        ];
        for mut column in columns {
            manager.alter_table(Table::alter().table(T::Table).add_column(&mut column).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use SupervisionTickets as T;
        for column in [T::Answer, T::AnsweredAt, T::AnsweredBy] {
            manager.alter_table(Table::alter().table(T::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
