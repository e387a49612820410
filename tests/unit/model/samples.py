"""Hand-written records for the data types Codat's Lending spec has no examples of.

Shaped like what the connector will produce from QuickBooks Desktop (ListIDs as ids).
"""

from __future__ import annotations

from typing import Any

ITEM: dict[str, Any] = {
    "id": "1C0000-933272656",
    "name": "Lumber:Rough",
    "code": "Rough",
    "itemStatus": "Active",
    "type": "Inventory",
    "isBillItem": True,
    "isInvoiceItem": True,
    "billItem": {
        "description": "Rough lumber",
        "unitPrice": 12.25,
        "accountRef": {"id": "80000-933270542", "name": "Cost of Goods Sold"},
        "taxRateRef": {"id": "20000-999022286", "name": "Non", "effectiveTaxRate": 0},
    },
    "invoiceItem": {
        "description": "Rough lumber",
        "unitPrice": 48,
        "accountRef": {"id": "60000-933270542", "name": "Construction Income"},
        "taxRateRef": {"id": "10000-999022286", "name": "Tax", "effectiveTaxRate": 7.75},
    },
    "modifiedDate": "2023-04-26T09:08:12Z",
    "sourceModifiedDate": "2023-12-16T05:06:11",
    "metadata": {"isDeleted": False},
    "supplementalData": {"content": {"qbd": {"reorderPoint": 10, "sku": None}}},
}

TAX_RATE: dict[str, Any] = {
    "id": "2E0000-933272656",
    "name": "San Tomas",
    "code": "San Tomas",
    "effectiveTaxRate": 7.75,
    "totalTaxRate": 7.75,
    "components": [{"name": "San Tomas", "rate": 7.75, "isCompound": False}],
    "status": "Active",
    "validDatatypeLinks": [{"property": "Id", "links": ["InvoiceLineItem.TaxRateRef.Id"]}],
    "modifiedDate": "2023-04-26T09:08:12Z",
    "sourceModifiedDate": "2023-12-16T05:06:11",
    "metadata": {"isDeleted": False},
}

TRACKING_CATEGORY: dict[str, Any] = {
    "id": "10000-933272658",
    "name": "New Construction",
    "status": "Active",
    "parentId": None,
    "hasChildren": False,
    "modifiedDate": "2023-04-26T09:08:12Z",
    "sourceModifiedDate": "2023-12-16T05:06:11",
    "metadata": {"isDeleted": False},
}

PAYMENT_METHOD: dict[str, Any] = {
    "id": "30000-933272657",
    "name": "Check",
    "type": "Check",
    "status": "Active",
    "modifiedDate": "2023-04-26T09:08:12Z",
    "sourceModifiedDate": "2023-12-16T05:06:11",
    "metadata": {"isDeleted": False},
}

SAMPLES: dict[str, dict[str, Any]] = {
    "items": ITEM,
    "taxRates": TAX_RATE,
    "trackingCategories": TRACKING_CATEGORY,
    "paymentMethods": PAYMENT_METHOD,
}
