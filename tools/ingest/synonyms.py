"""Header synonyms: the column names each CRM writes in its exports, English and Japanese.

Written from each vendor's documented export / report field labels: Salesforce (report labels
in the English and Japanese UI, and the API names Data Loader writes), HubSpot (contact and deal
exports, EN/JA), Pipedrive ("Deal - Title" style exports), Zoho CRM, Dynamics 365 (Excel export,
"(Do Not Modify)" key columns), Marketo (person / lead exports) and kintone (system fields and
the sales-app templates). Matching is forgiving (``tools.ingest.headers``: case, spacing,
punctuation, full-width forms, camelCase, "Deal - " prefixes and Date / Time / At / 日 / 日時
suffixes), so each name is listed once in its plainest form.

Within a key the order is priority: when two headers of one file match the same key, the one
whose synonym comes first wins and the other is reported as unused.
"""

from __future__ import annotations

from typing import Literal

#: What a key's values look like; headers are only mapped to a key whose kind their values fit.
Kind = Literal["id", "date", "number", "flag", "stage", "text"]

KEY_KINDS: dict[str, Kind] = {
    "record_id": "id", "created_date": "date", "mql_date": "date", "first_touch_date": "date",
    "sql_date": "date", "opportunity_date": "date", "won_date": "date", "lost_date": "date",
    "churn_date": "date", "amount": "number", "lead_source": "text", "segment": "text", "industry": "text",
    "employee_count": "number", "icp_fit": "flag", "owner": "text", "region": "text", "phase": "stage",
    # links between files
    "opportunity_id": "id", "converted_opportunity_id": "id", "contact_id": "id", "account": "id",
    # raw columns the loader turns into canonical ones
    "stage": "stage", "status": "stage", "close_date": "date", "decision_date": "date",
    "won_flag": "flag", "closed_flag": "flag", "converted_flag": "flag",
}

SYNONYMS: dict[str, tuple[str, ...]] = {
    "record_id": (
        "record_id", "Record ID", "Lead ID", "Contact ID", "Prospect ID", "Person ID", "ID", "Id",
        "LeadId", "ContactId", "Lead Number", "Marketo ID", "Marketo Lead ID", "Lead Record ID",
        "(Do Not Modify) Lead", "(Do Not Modify) Contact", "mql_id", "MQL ID",
        "リードID", "レコードID", "レコード番号", "顧客ID", "コンタクトID", "取引先責任者ID", "見込み客ID",
        "リード番号", "顧客番号", "(変更しないでください) リード", "(変更しないでください) 取引先担当者",
    ),
    "created_date": (
        "created_date", "Create Date", "Created Date", "Created", "Created At", "Created On", "Created Time",
        "Date Created", "Lead Created Date", "Lead Created", "Deal Created", "Person Created", "Add Time",
        "Acquisition Date", "Registration Date", "Sign Up Date", "Inquiry Date",
        "作成日", "作成日時", "登録日", "リード作成日", "リード獲得日", "獲得日", "取得日", "問い合わせ日",
        "問合せ日", "反響日", "流入日", "リード登録日",
    ),
    "mql_date": (
        "mql_date", "MQL Date", "Became a Marketing Qualified Lead Date", "Marketing Qualified Date",
        "Date Became MQL", "MQL Qualified Date", "Marketing Qualified Lead Date",
        "MQL化日", "MQL日", "MQL化した日", "マーケティングクオリファイドリードになった日",
        "ライフサイクルステージマーケティングクオリファイドリードになった日",
    ),
    "first_touch_date": (
        "first_touch_date", "First Touch Date", "First Contact Date", "Date of first engagement",
        "First Engagement Date", "First Activity Date", "First Call Date", "First Response Date",
        "First Outreach Date", "First Contacted Date",
        "初回接触日", "初回対応日", "初回コンタクト日", "初回架電日", "初回連絡日", "初回アプローチ日",
        "ファーストコンタクト日", "初回エンゲージメント日",
    ),
    "sql_date": (
        "sql_date", "SQL Date", "Became a Sales Qualified Lead Date", "Sales Qualified Date",
        "Sales Qualified Lead Date", "Date Became SQL", "Qualified Date",
        "SQL化日", "SQL日", "セールスクオリファイドリードになった日",
        "ライフサイクルステージセールスクオリファイドリードになった日",
    ),
    "opportunity_date": (
        "opportunity_date", "Opportunity Date", "Became an Opportunity Date", "Opportunity Created Date",
        "Converted Date", "Conversion Date", "Engage Date", "Engaged Date",
        "商談化日", "商談作成日", "商談になった日", "取引開始日", "商談開始日",
        "ライフサイクルステージ商談になった日",
    ),
    "won_date": (
        "won_date", "Won Date", "Closed Won Date", "Became a Customer Date", "Won Time", "Date Won",
        "Win Date", "Deal Closed On",
        "受注日", "成約日", "顧客になった日", "ライフサイクルステージ顧客になった日",
    ),
    "lost_date": ("lost_date", "Lost Date", "Closed Lost Date", "Lost Time", "Date Lost", "失注日"),
    "churn_date": (
        "churn_date", "Churn Date", "Churned Date", "Cancellation Date", "Cancelled Date", "Canceled Date",
        "解約日", "退会日", "契約終了日",
    ),
    "amount": (
        "amount", "Amount", "Deal Amount", "Opportunity Amount", "ACV", "Annual Contract Value",
        "Deal Value", "Value", "close_value", "Close Value", "Est. Revenue", "Actual Revenue",
        "Amount (converted)", "Amount in company currency",
        "金額", "受注金額", "商談金額", "契約金額", "取引金額", "売上金額", "見込み金額", "年間契約金額",
        "見積収益", "実績収益",
    ),
    "lead_source": (
        "lead_source", "Lead Source", "Original Source", "Source", "Original Source Type", "Person Source",
        "Lead Channel", "Source Channel", "Channel", "Origin", "Deal Source",
        "リードソース", "流入経路", "獲得チャネル", "リード獲得元", "元のソース", "ソース", "流入元",
        "獲得経路", "問い合わせ経路", "反響元", "チャネル", "リード ソース",
    ),
    "segment": ("segment", "Segment", "Company Size", "Customer Segment", "Size Segment",
                "企業規模", "セグメント", "顧客セグメント", "規模"),
    "industry": ("industry", "Industry", "Sector", "Vertical", "業種", "業界", "業種区分"),
    "employee_count": (
        "employee_count", "Employee Count", "Number of Employees", "Employees", "No. of Employees",
        "NumberOfEmployees", "Num Employees", "# Employees", "従業員数", "社員数",
    ),
    "icp_fit": ("icp_fit", "ICP Fit", "ICP", "Ideal Customer Profile", "ICP適合", "ICPフィット", "ICP該当"),
    "owner": (
        "owner", "Owner", "Contact owner", "Deal owner", "Lead Owner", "Opportunity Owner", "Owner Name",
        "Sales Agent", "Sales Rep", "Salesperson", "Account Executive", "Assigned To", "Lead Owner Name",
        "OwnerId", "Owner ID",
        "担当者", "担当", "所有者", "営業担当", "営業担当者", "担当営業", "リード所有者", "商談所有者",
        "取引担当者", "コンタクト担当者", "リードの所有者", "商談の所有者",
    ),
    "region": (
        "region", "Region", "Country/Region", "Country", "Regional Office", "Territory",
        "Sales Region", "地域", "エリア", "国", "国/地域", "拠点", "支社", "営業地域",
    ),
    "phase": ("phase",),
    "stage": (
        "Stage", "Deal Stage", "Opportunity Stage", "Phase", "StageName", "Sales Stage", "Pipeline Phase",
        "deal_stage", "Pipeline Stage",
        "フェーズ", "商談フェーズ", "ステージ", "取引ステージ", "商談ステージ", "進捗", "進捗状況",
    ),
    "status": (
        "Lead Status", "Lifecycle Stage", "Status", "Status Reason", "Contact Status", "Person Status",
        "Deal Status", "Lead Stage",
        "ステータス", "リードステータス", "リード状況", "ライフサイクルステージ", "状況", "対応状況",
        "リードのステータス", "ステータス理由", "商談ステータス",
    ),
    "opportunity_id": (
        "opportunity_id", "Opportunity ID", "Deal ID", "OpportunityId", "(Do Not Modify) Opportunity",
        "商談ID", "取引ID", "案件ID", "案件番号", "商談番号", "(変更しないでください) 営業案件",
    ),
    "converted_opportunity_id": (
        "converted_opportunity_id", "Converted Opportunity ID", "ConvertedOpportunityId",
        "Converted Opportunity", "Converted Deal ID", "Qualifying Opportunity",
        "変換済み商談ID", "取引開始済み商談ID", "取引開始後の商談ID", "取引開始商談ID",
    ),
    "contact_id": (
        "Associated Contact IDs", "Associated Contact ID", "Primary Contact ID", "Lead Record ID",
        "関連付けられたコンタクトID", "関連コンタクトID", "リードレコード番号", "元リード番号",
    ),
    "account": (
        "account", "Account", "Account Name", "Account ID", "AccountId", "Company", "Company Name",
        "Company / Account", "Organization", "Organization Name", "Associated Company", "Potential Customer",
        "取引先名", "取引先", "会社名", "企業名", "取引先ID", "会社ID", "顧客名",
    ),
    "close_date": (
        "Close Date", "Closed Date", "Expected Close Date", "CloseDate", "Closing Date", "Actual Close Date",
        "Est. Close Date", "Close Time", "close_date",
        "完了予定日", "クローズ日", "完了日", "成約予定日", "受注予定日", "クローズ予定日", "実際の終了日",
        "見積終了日",
    ),
    "decision_date": ("Decision Date", "Accepted Decision Date", "AcceptedDecisionDate", "Outcome Date",
                      "決定日", "判断日"),
    "won_flag": ("Won", "IsWon", "Is Won", "Is Closed Won", "IsAccepted", "Accepted", "受注", "受注フラグ"),
    "closed_flag": ("Closed", "IsClosed", "Is Closed", "Is Deal Closed?", "完了", "完了フラグ"),
    "converted_flag": ("Converted", "IsConverted", "Is Converted", "取引開始", "取引開始済み", "商談化フラグ",
                       "コンバート済み"),
}

#: Header words that say a file is a list of users / owners (a lookup, not records). Words a lead
#: list has too (Email, Title, Name) are not among them.
OWNER_TABLE_HEADERS: tuple[str, ...] = (
    "User ID", "UserId", "Username", "User Name", "Manager", "Role", "UserRole", "User Role", "Profile",
    "Department", "Team", "Sales Team", "IsActive", "Active", "Quota",
    "ユーザーID", "ユーザー名", "ロール", "部署", "マネージャー", "チーム", "プロファイル",
)
#: Header words that say a file is a list of accounts / companies.
ACCOUNT_TABLE_HEADERS: tuple[str, ...] = (
    "Annual Revenue", "Revenue", "Year Established", "Founded", "Website", "Subsidiary Of",
    "Parent Account", "Billing Country", "Billing State", "Billing City", "Domain", "Company Domain Name",
    "年間売上", "売上高", "設立年", "ウェブサイト", "親会社", "請求先都道府県",
)
#: Header words of a product list (recognised so it can be reported, never loaded as records).
PRODUCT_TABLE_HEADERS: tuple[str, ...] = ("Product", "Product Name", "Series", "Sales Price", "List Price",
                                          "Unit Price", "SKU", "製品", "製品名", "商品", "商品名", "単価")
