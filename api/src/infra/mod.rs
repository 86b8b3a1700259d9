//! Typed clients for the things outside the process: the database, Redis and WeChat.

pub mod cache;
pub mod db;
pub mod storage;
pub mod wechat;
