//! A check added by a template file only, the rules listed, and malformed template files refused.

use super::*;

#[test]
fn a_check_added_in_a_template_file_fires() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text =
        fs::read_to_string(root().join("workbook-templates/hunan-2024.toml")).expect("template");
    text.push_str(
        r#"
[[checks]]
id = "Z1"
name = "政府采购金额不超过公用经费"
rule = "政府采购金额 ≤ 公用经费"
severity = "warning"
"#,
    );
    let custom = dir.path().join("bureau.toml");
    fs::write(&custom, text).expect("write template");

    // The corrected seed is clean with the built-in checks…
    let seed = corrected_seed();
    let (file, code) = check(&seed, None, dir.path());
    assert_clean(&seed, &file, code);
    // …and with the bureau's check (written with labels, as the form prints them), 政府采购金额
    // 500 > 公用经费 224.96 in the 2023 column.
    let (file, code) = check(&seed, Some(&custom), dir.path());
    let [f] = file.findings.as_slice() else {
        panic!("want the one Z1 finding, got{}", findings_list(&file));
    };
    assert_eq!(
        (
            f.check.as_str(),
            f.sheet.as_str(),
            f.cell.as_str(),
            f.severity.as_str()
        ),
        ("Z1", "基础数据表", "B19", "warning"),
        "{f}"
    );
    assert!(f.message.contains("政府采购金额不超过公用经费"), "{f}");
    assert_eq!(code, Some(0), "a warning does not fail the run");

    // `jixiao rules --template` lists it, in words.
    let args: [&OsStr; 3] = ["rules".as_ref(), "--template".as_ref(), custom.as_os_str()];
    let run = jixiao(&args, dir.path());
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("Z1"))
        .unwrap_or_else(|| panic!("no Z1 in\n{}", run.stdout));
    assert!(line.contains("政府采购金额 ≤ 公用经费"), "{line}");
    assert!(line.contains("提示"), "{line}");
}

/// The rows `jixiao rules` prints for a rule: the one that starts with its id and those under
/// it with no id of their own.
fn rule_rows<'a>(table: &'a str, id: &str) -> Vec<&'a str> {
    let mut lines = table
        .lines()
        .skip_while(|l| l.split_whitespace().next() != Some(id));
    let Some(first) = lines.next() else {
        return Vec::new();
    };
    std::iter::once(first)
        .chain(lines.take_while(|l| l.starts_with(' ') && !l.trim().is_empty()))
        .collect()
}

#[test]
fn rules_lists_the_checks_of_each_family() {
    let dir = tempfile::tempdir().expect("tempdir");
    for family in FAMILIES {
        let template = Template::built_in_family(family).expect("family");
        let args: [&OsStr; 3] = ["rules".as_ref(), "--family".as_ref(), family.as_ref()];
        let run = jixiao(&args, dir.path());
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        assert!(run.stdout.contains("编号"), "{}", run.stdout);
        for c in &template.checks {
            assert!(
                rule_rows(&run.stdout, &c.id)
                    .iter()
                    .any(|l| l.contains(&c.name)),
                "{family}: {} {} missing from\n{}",
                c.id,
                c.name,
                run.stdout
            );
        }
        // Every template has B6's range check; only one recalculates the rates.
        let b6 = rule_rows(&run.stdout, "B6");
        assert!(!b6.is_empty(), "{family}: B6 listed");
        assert_eq!(
            b6.iter().any(|l| l.contains('÷')),
            family == "hunan-2024-extended",
            "{family}: B6 recalculated"
        );
    }
    let args: [&OsStr; 2] = ["rules".as_ref(), "--fields".as_ref()];
    let run = jixiao(&args, dir.path());
    assert!(run.stdout.contains("sangong.final"), "{}", run.stdout);
    let args: [&OsStr; 3] = ["rules".as_ref(), "--family".as_ref(), "guangdong".as_ref()];
    let run = jixiao(&args, dir.path());
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("hunan-2024"), "{}", run.stderr);
}

#[test]
fn a_malformed_template_is_refused_naming_the_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good =
        fs::read_to_string(root().join("workbook-templates/hunan-2024.toml")).expect("template");
    let base_lines = good.lines().count();
    // (text appended, line of the fault counted from the first appended line, words the message has)
    let cases: [(&str, usize, &[&str]); 5] = [
        (
            "[[checks]]\nid = \"Z1\"\nname = \"x\"\nrule = \"sangong = vehicle\n",
            4,
            &["TOML"],
        ),
        (
            "[[checks]]\nid = \"Z1\"\nname = \"x\"\nrul = \"sangong = vehicle\"\n",
            4,
            &["rul"],
        ),
        (
            "[[checks]]\nid = \"Z1\"\nname = \"x\"\nrule = \"procurement <= publik\"\n",
            4,
            &["Z1", "publik"],
        ),
        (
            "[[checks]]\nid = \"Z1\"\nname = \"x\"\nrule = \"sangong = vehicle +\"\n",
            4,
            &["Z1", "公式"],
        ),
        (
            "[[checks]]\nid = \"Z1\"\nname = \"x\"\nrule = \"sangong = vehicle\"\nseverity = \"fatal\"\n",
            5,
            &["fatal"],
        ),
    ];
    let seed = corrected_seed();
    for (i, (tail, line, words)) in cases.iter().enumerate() {
        let bad = dir.path().join(format!("bad{i}.toml"));
        fs::write(&bad, format!("{good}\n{tail}")).expect("write");
        let want_line = base_lines + 1 + line;
        for command in ["check", "rules"] {
            let mut args: Vec<&OsStr> = vec![command.as_ref()];
            if command == "check" {
                args.extend([seed.as_os_str(), "--no-write".as_ref()]);
            }
            args.extend(["--template".as_ref(), bad.as_os_str()]);
            let run = jixiao(&args, dir.path());
            assert_eq!(run.code, Some(2), "{command} case {i}: {}", run.stderr);
            let err = run.stderr.trim();
            assert!(
                err.contains(&format!("第 {want_line} 行")),
                "case {i}: want line {want_line} named in {err:?}"
            );
            for w in *words {
                assert!(err.contains(w), "case {i}: want {w:?} in {err:?}");
            }
            assert!(
                err.contains("bad"),
                "case {i}: the file is named in {err:?}"
            );
        }
    }
}
