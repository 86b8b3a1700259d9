//! Application numbers `JZ-<year>-<district>-<six digits>`, counted per district and year in the
//! submit transaction: no gaps from failed submits, no duplicates across nodes (the counter row is
//! locked by its update until the transaction ends).

use entity::application_number_counter::{self, Column};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DatabaseTransaction, EntityTrait, Set};

use crate::error::ApiError;

pub async fn next(txn: &DatabaseTransaction, district: &str, year: i32) -> Result<String, ApiError> {
    let bump = Query::update()
        .table(application_number_counter::Entity)
        .value(Column::Last, Expr::col(Column::Last).add(1))
        .and_where(Expr::col(Column::DistrictCode).eq(district))
        .and_where(Expr::col(Column::Year).eq(year))
        .returning_col(Column::Last)
        .to_owned();
    for _ in 0..2 {
        if let Some(row) = txn.query_one(&bump).await? {
            let last: i64 = row.try_get("", "last")?;
            return Ok(format!("JZ-{year}-{district}-{last:06}"));
        }
        application_number_counter::Entity::insert(application_number_counter::ActiveModel {
            district_code: Set(district.to_owned()),
            year: Set(year),
            last: Set(0),
        })
        .on_conflict_do_nothing_on([Column::DistrictCode, Column::Year])
        .exec(txn)
        .await?;
    }
    Err(ApiError::internal("the application number counter did not appear"))
}
