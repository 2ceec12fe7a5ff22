//! The command centre's people in the demo city, and the steps that take a reported case to
//! 已处置 the way the console would: 受理, 立案, 派遣 where 匹配派遣 suggests, 处置反馈.

use crate::staff::Staff;
use serde_json::json;

pub struct Centre {
    pub operator: Staff,
    pub shift_leader: Staff,
    pub dispatcher: Staff,
    /// A handler of 环卫处, where exposed garbage goes.
    pub handler: Staff,
}

impl Centre {
    pub async fn login(url: &str) -> anyhow::Result<Centre> {
        Ok(Centre {
            operator: Staff::login(url, "operator1").await?,
            shift_leader: Staff::login(url, "shiftlead1").await?,
            dispatcher: Staff::login(url, "dispatcher1").await?,
            handler: Staff::login(url, "handler2").await?,
        })
    }

    /// Takes the case at `case` (`/api/v1/cases/{id}`) from 已上报 to 已处置, the handler
    /// feeding back with `after_photo`; answers the department it was dispatched to.
    pub async fn take_to_handled(&self, case: &str, after_photo: &str) -> anyhow::Result<i64> {
        self.operator
            .expect(&format!("{case}/accept"), json!({}), 200)
            .await?;
        self.shift_leader
            .expect(&format!("{case}/register"), json!({}), 200)
            .await?;
        let (_, suggestion) = self.dispatcher.get(&format!("{case}/suggestions")).await?;
        let department = suggestion["department"]["id"]
            .as_i64()
            .ok_or_else(|| anyhow::anyhow!("no 匹配派遣 suggestion: {suggestion}"))?;
        self.dispatcher
            .expect(
                &format!("{case}/dispatch"),
                json!({ "department": department }),
                200,
            )
            .await?;
        self.handler
            .expect(
                &format!("{case}/handle"),
                json!({ "photos": [after_photo], "note": "已清运" }),
                200,
            )
            .await?;
        Ok(department)
    }
}
