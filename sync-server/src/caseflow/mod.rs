//! The case loop on the server: the summary row kept beside each case document, actions taken
//! through the API (checked by `cgt_shared::caseflow::decide`, written as workflow events with
//! the server's actor), 冲突处理 by an admin, cases created by the centre's own channels, and the suggestions
//! (匹配派遣, 智能比对) that help an operator decide.

pub mod act;
pub mod create;
pub mod settle;
pub mod suggest;
pub mod summary;
