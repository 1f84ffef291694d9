//! The operation and member tables of `protocol::model` against botocore's KMS service model,
//! read by the Python that `STRONGROOM_PYTHON` names (scripts/test-all installs botocore in its
//! venv). Without it the check says so and passes: the tables were generated from the model.

use std::process::Command;
use strongroom_server::protocol::model;

const DUMP: &str = r#"
import json, gzip, glob, os, botocore
p = glob.glob(os.path.join(os.path.dirname(botocore.__file__), 'data/kms/*/service-2.json*'))[0]
d = json.load(gzip.open(p) if p.endswith('.gz') else open(p))
members = {o: list(d['shapes'][v['input']['shape']]['members']) for o, v in d['operations'].items() if 'input' in v}
print(json.dumps({'operations': sorted(d['operations']), 'members': members}))
"#;

#[test]
fn tables_match_botocore() {
    let Some(python) = std::env::var_os("STRONGROOM_PYTHON") else {
        eprintln!("STRONGROOM_PYTHON not set: botocore's model not compared");
        return;
    };
    let out = Command::new(python).args(["-c", DUMP]).output().unwrap();
    if !out.status.success() {
        eprintln!(
            "botocore not importable ({}): model not compared",
            String::from_utf8_lossy(&out.stderr).trim()
        );
        return;
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ops: Vec<&str> = v["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_str().unwrap())
        .collect();
    // Operations AWS added since the table was made are answered UnknownOperation until the
    // table is regenerated; none may have disappeared.
    for op in model::OPERATIONS {
        assert!(ops.contains(op), "{op} is no longer in botocore's model");
    }
    for (op, members) in model::REQUEST_MEMBERS {
        let theirs: Vec<&str> = v["members"][op]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m.as_str().unwrap())
            .collect();
        assert_eq!(
            *members,
            theirs.as_slice(),
            "{op}'s request members changed in botocore"
        );
    }
}
