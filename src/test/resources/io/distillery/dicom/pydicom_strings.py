"""Prints, as JSON, every text value that Specific Character Set applies to (LO, PN, SH, UC, LT, ST, UT) of a
DICOM file, decoded by pydicom (Debian python3-pydicom): [[path, value], ...] with path like (0040,0275)[0](0010,0010).
Used by SpecificCharacterSetTest as an independent decoder (Debian's dcmtk cannot convert ISO 2022 IR 87)."""
import json
import sys

import pydicom

TEXT_VRS = {"LO", "PN", "SH", "UC", "LT", "ST", "UT"}


def walk(ds, prefix, out):
    for elem in ds:
        path = prefix + "(%04X,%04X)" % (elem.tag.group, elem.tag.element)
        if elem.VR == "SQ":
            for i, item in enumerate(elem.value):
                walk(item, path + "[%d]" % i, out)
        elif elem.VR in TEXT_VRS and elem.value not in (None, ""):
            v = elem.value
            if isinstance(v, (list, pydicom.multival.MultiValue)):
                v = "\\".join(str(x) for x in v)
            out.append([path, str(v)])


ds = pydicom.dcmread(sys.argv[1], force=True)
ds.decode()
result = []
walk(ds, "", result)
json.dump(result, sys.stdout, ensure_ascii=False)
