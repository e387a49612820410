"""Custom fields on the company itself (OtherDataExtType Company), as the connector stamps them."""

from __future__ import annotations

from pathlib import Path

from qbdlink.qbxml import Edition, QbxmlObject, decode_response_set, encode_request_set
from qbdlink.qbxml import messages as m
from qbdlink.simulator.bootstrap import open_processor
from qbdlink.simulator.company import create_company
from qbdlink.simulator.processor import Processor

OWNER = "{6B063959-81B0-4E2E-9A5A-2B7D0B8C1F00}"


def _run(processor: Processor, *requests: QbxmlObject) -> tuple[list[int], list[QbxmlObject]]:
    answer = decode_response_set(processor.process(encode_request_set(list(requests))))
    codes = [response.status.code for response in answer.responses]
    return codes, [record for response in answer.responses for record in response.records]


def test_a_company_value_is_stamped_read_and_removed(tmp_path: Path, xsd_dir: Path) -> None:
    path = tmp_path / "acme.qbw"
    create_company(path, company_name="Acme", edition=Edition.US).close()
    processor = open_processor(path, xsd_dir)
    define = m.DataExtDefAddRq(
        data_ext_def_add=m.DataExtDefAdd(
            owner_id=OWNER,
            data_ext_name="FileId",
            data_ext_type="STR255TYPE",
            assign_to_object=("Company",),
        )
    )
    stamp = m.DataExtAddRq(
        data_ext_add=m.DataExtAdd(
            owner_id=OWNER,
            data_ext_name="FileId",
            data_ext_value="file-123",
            other_data_ext_type="Company",
        )
    )
    codes, results = _run(processor, define, stamp, m.CompanyQueryRq(owner_id=(OWNER,)))
    assert codes == [0, 0, 0]
    company = next(r for r in results if isinstance(r, m.CompanyRet))
    assert [(d.data_ext_name, d.data_ext_value) for d in company.data_ext_ret] == [
        ("FileId", "file-123")
    ]
    plain = next(r for r in _run(processor, m.CompanyQueryRq())[1] if isinstance(r, m.CompanyRet))
    assert plain.data_ext_ret == ()
    codes, removed = _run(
        processor,
        m.DataExtDelRq(
            data_ext_del=m.DataExtDel(
                owner_id=OWNER, data_ext_name="FileId", other_data_ext_type="Company"
            )
        ),
        m.CompanyQueryRq(owner_id=(OWNER,)),
    )
    assert codes == [0, 0]
    company = next(r for r in removed if isinstance(r, m.CompanyRet))
    assert company.data_ext_ret == ()
