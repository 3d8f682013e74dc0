//! The command line's own words in each language: help texts, usage lines, headings, argument
//! errors. clap's derive gives the shape; [`localize`] puts these texts on it, and
//! [`argument_error`] says clap's errors in Chinese (`--lang en` keeps clap's English).

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command};

use crate::annotate::Lang;

/// Help of one argument: in the command named (`*` = wherever the id is not listed for its
/// command), zh, en, and the value's name in Chinese.
struct ArgText {
    cmd: &'static str,
    id: &'static str,
    zh: &'static str,
    en: &'static str,
    zh_value: &'static str,
}

const fn arg(
    cmd: &'static str,
    id: &'static str,
    zh: &'static str,
    en: &'static str,
    zh_value: &'static str,
) -> ArgText {
    ArgText {
        cmd,
        id,
        zh,
        en,
        zh_value,
    }
}

const ARGS: &[ArgText] = &[
    arg("*", "paths", "要检查的文件或文件夹（.xlsx .xls .ods .et；文件夹含子文件夹）", "Files or folders to check (.xlsx .xls .ods .et; folders with their subfolders)", "文件或文件夹"),
    arg("*", "out", "输出目录（默认：与各输入文件放在一起）", "Where outputs go (default: beside each input)", "目录"),
    arg("*", "format", "标准输出的格式：text（默认）或 json", "Output format on stdout: text (default) or json", "格式"),
    arg("*", "fix", "同时写出更正版（<名称>.corrected.xlsx）：只改有确定值的错误、舍入和缺失，从不改提示，复核通过才改；样子与原表相同，所改之处列在文档属性中；--fix=marked 则标出更正", "Also write the corrected workbook (<name>.corrected.xlsx): only errors, rounding and missing cells with a determined value, never a warning, and only changes that check clean again; it looks like the original, the changes listed in its document properties; --fix=marked marks them", "样式"),
    arg("*", "force", "覆盖已存在、但不是 jixiao 生成的输出文件", "Replace existing output files that jixiao did not write", ""),
    arg("*", "no_write", "不写批注副本（除非给了 --summary，也不写汇总表）", "Do not write the annotated copy (nor the summary workbook, unless --summary is given)", ""),
    arg("*", "summary", "检查文件夹或多个文件时写出的汇总表名称（默认 汇总.xlsx，放在 -o 目录，否则放在第一个输入所在的文件夹）", "Name of the summary workbook written when a folder or several files are checked (default 汇总.xlsx, in the -o folder, else in the first input's folder)", "名称"),
    arg("*", "no_summary", "不写汇总表", "Do not write the summary workbook", ""),
    arg("*", "jobs", "同时检查的文件数（默认：每个核心一个，写副本时两个，且不超过内存上限所容）", "Files checked at the same time (default: one per core, two when writing copies, no more than the memory budget holds)", "N"),
    arg("*", "memory", "同时检查的文件估计最多占用的内存，如 512M、2G（默认：1G 与物理内存一半中较小者）", "Memory the files checked at once may take by estimate, e.g. 512M, 2G (default: the smaller of 1G and half the physical memory)", "大小"),
    arg("*", "lang", "报告与提示的语言：zh（默认）或 en", "Language of reports and messages: zh (default) or en", "语言"),
    arg("*", "template", "用这个版式模板代替内置模板", "Use this layout template instead of the built-in ones", "模板文件"),
    arg("*", "pause", "结束前等待按回车键（桌面快捷方式和拖放使用）", "Wait for Enter before ending (for the desktop entry and drag-and-drop)", ""),
    arg("*", "open", "检查单个文件后用默认表格程序打开批注副本", "After checking one file, open its annotated copy in the default spreadsheet program", ""),
    arg("*", "no_open", "不打开批注副本（拖放时默认会打开）", "Do not open the annotated copy (a drop opens it by default)", ""),
    arg("*", "help", "显示帮助", "Print help", ""),
    arg("*", "version", "显示版本、提交号和构建日期", "Print the version, commit and build date", ""),
    arg("*", "family", "内置版式：hunan-2024（默认）、hunan-2018、hunan-2024-extended", "A built-in family: hunan-2024 (default), hunan-2018, hunan-2024-extended", "名称"),
    arg("*", "fields", "列出规则可用的字段名，而不是检查规则", "List the field names a rule can use instead of the checks", ""),
    arg("*", "markdown", "以 Markdown 输出规则说明（docs/rules.md）：给定模板的，或全部内置版式的", "Print the rules reference (docs/rules.md) in Markdown: of the template given, or of every built-in family", ""),
    arg("*", "year", "标题和表头中的年度（默认：模板中的年度）", "The report year printed in the titles and headers (default: the template's)", "年份"),
    arg("*", "dept", "标题和“预算部门名称”单元格中的部门名称", "The department printed in the titles and the 预算部门名称 cell", "部门"),
    arg("rules", "template", "自己的模板文件", "A template file of your own", "模板文件"),
    arg("template", "template", "用自己的模板文件代替内置版式", "A template file of your own instead of a built-in family", "模板文件"),
    arg("template", "out", "要写出的工作簿", "The workbook to write", "文件"),
    arg("template", "force", "覆盖已存在的文件", "Replace an existing file", ""),
    arg("export", "paths", "要导出数据的工作簿或文件夹（文件夹含子文件夹）", "Workbooks or folders to export (folders with their subfolders)", "文件或文件夹"),
    arg("export", "out", "要写出的文件（默认：标准输出；xlsx 必须指定）", "The file to write (default: stdout; required for xlsx)", "文件"),
    arg("export", "format", "格式：json（默认）、csv（长表，每个字段一行）或 xlsx（宽表，每个工作簿一行）", "Format: json (default), csv (long, a row per field) or xlsx (wide, a row per workbook)", "格式"),
    arg("export", "indicators", "csv：每个绩效指标一行，而不是每个字段一行", "csv: a row per indicator instead of a row per field", ""),
    arg("export", "force", "覆盖已存在的输出文件", "Replace an existing output file", ""),
    arg("export", "jobs", "同时读取的文件数（默认：每个核心一个）", "Files read at the same time (default: one per core)", "N"),
    arg("import", "data", "数据文件：jixiao.data/1 JSON、导出的 CSV，或一部门一行的 CSV/xlsx", "Data files: jixiao.data/1 JSON, exported CSV, or a CSV/xlsx with a row per department", "数据文件"),
    arg("import", "out", "写出工作簿的目录（每个部门一个工作簿）", "Folder for the workbooks (one per department)", "目录"),
    arg("import", "family", "数据没有写明版式时用的内置版式（默认 hunan-2024）", "The built-in family for data that names none (default hunan-2024)", "名称"),
    arg("import", "year", "数据没有写明年度时用的年度", "The year for data that names none", "年份"),
];

/// A command's description and usage line in each language (`""` = the top level).
struct CmdText {
    name: &'static str,
    zh_about: &'static str,
    en_about: &'static str,
    zh_usage: &'static str,
    en_usage: &'static str,
}

const COMMANDS: &[CmdText] = &[
    CmdText {
        name: "jixiao",
        zh_about: "检查部门整体支出绩效自评表：重算控制率、合计与得分，指出填错的单元格",
        en_about: "Checks performance self-evaluation workbooks: recalculates rates, totals and scores and names the wrong cells",
        zh_usage: "jixiao [选项] 文件或文件夹...\n      jixiao <子命令> [选项]",
        en_usage: "jixiao [OPTIONS] PATH...\n       jixiao <COMMAND> [OPTIONS]",
    },
    CmdText {
        name: "check",
        zh_about: "检查工作簿：文件或文件夹",
        en_about: "Check workbooks: files or folders",
        zh_usage: "jixiao check [选项] 文件或文件夹...",
        en_usage: "jixiao check [OPTIONS] PATH...",
    },
    CmdText {
        name: "rules",
        zh_about: "列出模板的检查规则",
        en_about: "List the checks of a template",
        zh_usage: "jixiao rules [--family 名称 | --template 模板文件] [--fields | --markdown]",
        en_usage: "jixiao rules [--family NAME | --template FILE] [--fields | --markdown]",
    },
    CmdText {
        name: "template",
        zh_about: "写出供部门填报的空白工作簿",
        en_about: "Write the blank workbook a department fills in",
        zh_usage: "jixiao template [--family 名称] [--year 年份] [--dept 部门] -o 文件",
        en_usage: "jixiao template [--family NAME] [--year YYYY] [--dept NAME] -o FILE",
    },
    CmdText {
        name: "export",
        zh_about: "导出表中的数据：JSON、CSV 或一张宽表（xlsx）",
        en_about: "Export the tables' data: JSON, CSV or one wide workbook (xlsx)",
        zh_usage: "jixiao export 文件或文件夹... [-o 文件] [--format json|csv|xlsx] [--indicators]",
        en_usage: "jixiao export PATH... [-o FILE] [--format json|csv|xlsx] [--indicators]",
    },
    CmdText {
        name: "import",
        zh_about: "由数据写出标准工作簿，每个部门一个",
        en_about: "Write standard workbooks from data, one per department",
        zh_usage: "jixiao import 数据文件... -o 目录 [--family 名称] [--year 年份]",
        en_usage: "jixiao import DATA... -o DIR [--family NAME] [--year YYYY]",
    },
];

const ZH_AFTER_HELP: &str = "\
示例：
  jixiao 自评表.xlsx                  检查一个文件，在旁边写出 自评表.checked.xlsx
  jixiao check 收件/ -o 检查结果/     检查整个文件夹，另写出 检查结果/汇总.xlsx

退出状态：0 未发现需要改正的问题；1 有错误、舍入或缺失；2 有文件无法检查，或参数有误";

const EN_AFTER_HELP: &str = "\
Examples:
  jixiao report.xlsx                  check one file, write report.checked.xlsx beside it
  jixiao check inbox/ -o checked/     check a folder, and write checked/汇总.xlsx

Exit status: 0 nothing to fix; 1 errors, rounding or missing cells; 2 a file could not be
checked, or the arguments are wrong";

/// `cmd` (and its subcommands) with help texts, usage lines and headings in `lang`, and its own
/// `-h/--help` (and at the top `-V/--version`) flags so that their texts are in `lang` too.
pub(super) fn localize(cmd: Command, lang: Lang) -> Command {
    let version = Arg::new("version")
        .short('V')
        .long("version")
        .action(ArgAction::Version);
    let mut cmd = localize_one(cmd.arg(version), "jixiao", lang);
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        let key = COMMANDS
            .iter()
            .find(|c| c.name == name)
            .map_or("", |c| c.name);
        cmd = cmd.mut_subcommand(&name, |sub| {
            localize_one(sub.disable_help_flag(true), key, lang)
        });
    }
    cmd
}

fn localize_one(cmd: Command, name: &'static str, lang: Lang) -> Command {
    let zh = lang == Lang::Zh;
    let help = Arg::new("help")
        .short('h')
        .long("help")
        .action(ArgAction::Help);
    let has = cmd_has(&cmd);
    let mut cmd = cmd
        .arg(help)
        .mut_args(|a| localize_arg(a, name, zh))
        .help_template(template(&has, zh));
    if let Some(t) = COMMANDS.iter().find(|c| c.name == name) {
        cmd = cmd
            .about(if zh { t.zh_about } else { t.en_about })
            .override_usage(if zh { t.zh_usage } else { t.en_usage });
    }
    if name == "jixiao" {
        cmd = cmd.after_help(if zh { ZH_AFTER_HELP } else { EN_AFTER_HELP });
    }
    cmd
}

/// Which sections a command's help has: subcommands, positionals.
fn cmd_has(cmd: &Command) -> (bool, bool) {
    (
        cmd.has_subcommands(),
        cmd.get_positionals().next().is_some(),
    )
}

fn template(&(subcommands, positionals): &(bool, bool), zh: bool) -> String {
    let [usage, cmds, args, opts] = if zh {
        ["用法：", "子命令：", "参数：", "选项："]
    } else {
        ["Usage: ", "Commands:", "Arguments:", "Options:"]
    };
    let mut t = format!("{{about-with-newline}}\n{usage}{{usage}}\n");
    if subcommands {
        t.push_str(&format!("\n{cmds}\n{{subcommands}}\n"));
    }
    if positionals {
        t.push_str(&format!("\n{args}\n{{positionals}}\n"));
    }
    t.push_str(&format!("\n{opts}\n{{options}}{{after-help}}"));
    t
}

fn localize_arg(a: Arg, cmd: &str, zh: bool) -> Arg {
    let id = a.get_id().as_str();
    let text = ARGS
        .iter()
        .find(|t| t.cmd == cmd && t.id == id)
        .or_else(|| ARGS.iter().find(|t| t.cmd == "*" && t.id == id));
    let Some(text) = text else {
        return a;
    };
    let a = a
        .help(if zh { text.zh } else { text.en })
        .hide_default_value(true)
        .hide_possible_values(true);
    if zh && !text.zh_value.is_empty() {
        a.value_name(text.zh_value)
    } else {
        a
    }
}

/// A clap error said in Chinese: what is wrong, clap's suggestion if it has one, the usage line.
pub(super) fn argument_error(e: &clap::Error) -> String {
    let text = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join("、"),
        Some(ContextValue::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let arg = text(ContextKind::InvalidArg);
    let value = text(ContextKind::InvalidValue);
    let mut out = match e.kind() {
        ErrorKind::UnknownArgument => format!("错误：没有参数“{arg}”"),
        ErrorKind::InvalidSubcommand => format!(
            "错误：没有子命令“{}”，也没有叫这个名字的文件或文件夹",
            text(ContextKind::InvalidSubcommand)
        ),
        ErrorKind::InvalidValue if value.is_empty() => format!("错误：参数 {arg} 需要一个值"),
        ErrorKind::InvalidValue => format!(
            "错误：参数 {arg} 的值“{value}”无效；可以是：{}",
            text(ContextKind::ValidValue)
        ),
        ErrorKind::ValueValidation => format!("错误：参数 {arg} 的值“{value}”无效"),
        ErrorKind::ArgumentConflict => match text(ContextKind::PriorArg) {
            prior if prior.is_empty() || prior == arg => format!("错误：参数 {arg} 只能给一次"),
            prior => format!("错误：参数 {arg} 不能与 {prior} 同时使用"),
        },
        ErrorKind::MissingRequiredArgument => format!("错误：缺少参数 {arg}"),
        ErrorKind::TooManyValues => format!("错误：参数 {arg} 多了一个值“{value}”"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("错误：参数 {arg} 的值的个数不对")
        }
        ErrorKind::NoEquals => format!("错误：参数 {arg} 的值要用等号给出（{arg}=值）"),
        ErrorKind::MissingSubcommand => "错误：缺少子命令".to_string(),
        ErrorKind::InvalidUtf8 => "错误：参数不是有效的文字（UTF-8）".to_string(),
        _ => "错误：参数有误".to_string(),
    };
    out.push('\n');
    let suggested = [ContextKind::SuggestedSubcommand, ContextKind::SuggestedArg]
        .into_iter()
        .map(text)
        .find(|s| !s.is_empty());
    if let Some(s) = suggested {
        out.push_str(&format!("\n  提示：要用的是“{s}”吗？\n"));
    }
    if let Some(ContextValue::StyledStr(usage)) = e.get(ContextKind::Usage) {
        let usage = usage.to_string();
        let usage = usage.trim_start_matches("Usage: ").trim_end();
        out.push_str(&format!("\n用法：{usage}\n"));
    }
    out.push_str("\n（jixiao --help 查看说明）\n");
    out
}
