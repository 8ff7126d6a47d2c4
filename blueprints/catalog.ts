/**
 * Built-in blueprints for the document classes BDA ships publicly, plus one image, one audio and one video
 * blueprint. Referenced by BDA-style public ARNs: `arn:aws:bedrock:<region>:aws:blueprint/<name>`. Pure data.
 */
import type { BlueprintModality } from './dialect.ts';

type Schema = Record<string, unknown>;
const s = (instruction: string, type = 'string', inferenceType = 'explicit') => ({ type, inferenceType, instruction });
const n = (instruction: string) => s(instruction, 'number');
const table = (instruction: string, row: string) => ({
  type: 'array',
  instruction,
  items: { $ref: `#/definitions/${row}` },
});

export interface CatalogEntry {
  name: string;
  displayName: string;
  modality: BlueprintModality;
  schema: Schema;
}

const doc = (cls: string, description: string, properties: Schema, definitions?: Schema): Schema => ({
  $schema: 'http://json-schema.org/draft-07/schema#',
  description,
  class: cls,
  type: 'object',
  ...(definitions ? { definitions } : {}),
  properties,
});

const LINE_ITEM = {
  properties: {
    Description: s('Description of the product or service'),
    Quantity: n('Quantity'),
    UnitPrice: n('Price per unit'),
    Amount: n('Line amount (quantity × unit price)'),
  },
};

export const CATALOG: CatalogEntry[] = [
  {
    name: 'bedrock-data-automation-public-invoice',
    displayName: 'Invoice',
    modality: 'DOCUMENT',
    schema: doc(
      'Invoice',
      'An invoice or bill from a vendor to a customer: invoice number, invoice date, due date, amounts, tax, total due and line items',
      {
        InvoiceNumber: s('The invoice number as printed'),
        InvoiceDate: s('The invoice date in YYYY-MM-DD'),
        DueDate: s('The payment due date in YYYY-MM-DD'),
        VendorName: s('Name of the vendor / seller issuing the invoice'),
        CustomerName: s('Name of the customer billed (bill to)'),
        PurchaseOrderNumber: s('Purchase order (PO) number'),
        Subtotal: n('Total before tax'),
        TotalTax: n('Total tax / VAT / GST amount'),
        InvoiceTotal: n('Total amount of the invoice including tax (amount due)'),
        Currency: s('ISO 4217 currency code of the amounts'),
        LineItems: table('The invoice line items table', 'LineItem'),
      },
      { LineItem: LINE_ITEM },
    ),
  },
  {
    name: 'bedrock-data-automation-public-receipt',
    displayName: 'Receipt',
    modality: 'DOCUMENT',
    schema: doc(
      'Receipt',
      'A sales receipt or cash bill from a store or restaurant: merchant, address, receipt date, items, tax, total, cash and change',
      {
        MerchantName: s('Name of the merchant / store / company at the top of the receipt'),
        MerchantAddress: s('Address of the merchant as printed'),
        ReceiptNumber: s('Receipt, bill or invoice number'),
        ReceiptDate: s('Date of the purchase in YYYY-MM-DD'),
        Subtotal: n('Total before tax'),
        Tax: n('Tax / GST / VAT amount'),
        Total: n('Total amount paid including tax'),
        Items: table('Items bought', 'ReceiptItem'),
      },
      {
        ReceiptItem: {
          properties: { Description: s('Item description'), Quantity: n('Quantity'), Amount: n('Amount for the item') },
        },
      },
    ),
  },
  {
    name: 'bedrock-data-automation-public-bank-statement',
    displayName: 'Bank statement',
    modality: 'DOCUMENT',
    schema: doc(
      'BankStatement',
      'A bank account statement: bank name, account holder, account number, statement period, opening and closing balance, transactions with deposits and withdrawals',
      {
        BankName: s('Name of the bank'),
        AccountHolder: s('Name of the account holder'),
        AccountNumber: s('Bank account number'),
        StatementDate: s('Statement date in YYYY-MM-DD'),
        OpeningBalance: n('Opening / beginning balance'),
        ClosingBalance: n('Closing / ending balance'),
        Transactions: table('Account transactions', 'Transaction'),
      },
      {
        Transaction: {
          properties: {
            Date: s('Transaction date in YYYY-MM-DD'),
            Description: s('Transaction description'),
            Withdrawal: n('Debit / withdrawal amount'),
            Deposit: n('Credit / deposit amount'),
            Balance: n('Balance after the transaction'),
          },
        },
      },
    ),
  },
  {
    name: 'bedrock-data-automation-public-payslip',
    displayName: 'Payslip',
    modality: 'DOCUMENT',
    schema: doc(
      'Payslip',
      'A payslip / pay stub / earnings statement: employer, employee, pay period, pay date, gross pay, deductions, net pay, year to date',
      {
        EmployerName: s('Name of the employer / company'),
        EmployeeName: s('Name of the employee'),
        EmployeeId: s('Employee number or id'),
        PayPeriodStart: s('Start of the pay period in YYYY-MM-DD'),
        PayPeriodEnd: s('End of the pay period in YYYY-MM-DD'),
        PayDate: s('Pay date in YYYY-MM-DD'),
        GrossPay: n('Gross pay for this period'),
        TotalDeductions: n('Total deductions for this period'),
        NetPay: n('Net pay for this period'),
        Earnings: table('Earnings lines', 'EarningLine'),
      },
      {
        EarningLine: {
          properties: {
            Description: s('Earning description'),
            Hours: n('Hours'),
            Rate: n('Rate'),
            Current: n('Amount this period'),
          },
        },
      },
    ),
  },
  {
    name: 'bedrock-data-automation-public-w2',
    displayName: 'W-2',
    modality: 'DOCUMENT',
    schema: doc(
      'W2',
      'US IRS Form W-2 Wage and Tax Statement: employer identification number, employee social security number, wages, federal income tax withheld, social security and medicare',
      {
        EmployerEIN: s('Employer identification number (EIN), box b'),
        EmployeeSSN: s("Employee's social security number, box a"),
        EmployerName: s("Employer's name, box c"),
        EmployeeName: s("Employee's name, box e"),
        WagesTipsOtherCompensation: n('Box 1 wages, tips, other compensation'),
        FederalIncomeTaxWithheld: n('Box 2 federal income tax withheld'),
        SocialSecurityWages: n('Box 3 social security wages'),
        SocialSecurityTaxWithheld: n('Box 4 social security tax withheld'),
        MedicareWagesAndTips: n('Box 5 medicare wages and tips'),
        MedicareTaxWithheld: n('Box 6 medicare tax withheld'),
        TaxYear: s('Tax year of the form', 'integer'),
      },
    ),
  },
  {
    name: 'bedrock-data-automation-public-drivers-license',
    displayName: "Driver's licence / ID card",
    modality: 'DOCUMENT',
    schema: doc(
      'DriversLicense',
      "A driver's licence or identity card: licence number, name, date of birth, address, issue and expiration dates, class, sex",
      {
        DocumentNumber: s('Licence / ID number'),
        LastName: s('Surname / last name'),
        FirstName: s('Given names / first name'),
        DateOfBirth: s('Date of birth in YYYY-MM-DD'),
        Address: s('Address of the holder'),
        IssueDate: s('Issue date in YYYY-MM-DD'),
        ExpirationDate: s('Expiration date in YYYY-MM-DD'),
        Class: s('Licence class'),
        Sex: s('Sex'),
        State: s('Issuing state or country', 'string', 'inferred'),
      },
    ),
  },
  {
    name: 'bedrock-data-automation-public-passport',
    displayName: 'Passport',
    modality: 'DOCUMENT',
    schema: doc(
      'Passport',
      'A passport identity page: passport number, surname, given names, nationality, date of birth, place of birth, sex, date of issue, date of expiry, machine readable zone',
      {
        PassportNumber: s('Passport number'),
        Surname: s('Surname'),
        GivenNames: s('Given names'),
        Nationality: s('Nationality'),
        DateOfBirth: s('Date of birth in YYYY-MM-DD'),
        PlaceOfBirth: s('Place of birth'),
        Sex: s('Sex'),
        IssueDate: s('Date of issue in YYYY-MM-DD'),
        ExpirationDate: s('Date of expiry in YYYY-MM-DD'),
        CountryCode: s('Issuing country code'),
      },
    ),
  },
  {
    name: 'bedrock-data-automation-public-utility-bill',
    displayName: 'Utility bill',
    modality: 'DOCUMENT',
    schema: doc(
      'UtilityBill',
      'A utility bill for electricity, gas, water, internet or phone service: provider, account number, service address, billing period, usage, meter, amount due, due date',
      {
        ProviderName: s('Name of the utility provider'),
        AccountNumber: s('Customer account number'),
        AccountHolder: s('Name of the customer / account holder'),
        ServiceAddress: s('Service address'),
        BillDate: s('Bill / statement date in YYYY-MM-DD'),
        DueDate: s('Payment due date in YYYY-MM-DD'),
        MeterNumber: s('Meter number'),
        AmountDue: n('Total amount due'),
      },
    ),
  },
  {
    name: 'bedrock-data-automation-public-purchase-order',
    displayName: 'Purchase order',
    modality: 'DOCUMENT',
    schema: doc(
      'PurchaseOrder',
      'A purchase order from a buyer to a supplier: PO number, order date, buyer, vendor, ship to, delivery date, ordered items and total',
      {
        PurchaseOrderNumber: s('Purchase order (PO) number'),
        OrderDate: s('Order date in YYYY-MM-DD'),
        VendorName: s('Name of the vendor / supplier'),
        ShipTo: s('Ship to / delivery address'),
        DeliveryDate: s('Requested delivery date in YYYY-MM-DD'),
        Subtotal: n('Subtotal before tax'),
        Total: n('Total order amount'),
        LineItems: table('Ordered items', 'LineItem'),
      },
      { LineItem: LINE_ITEM },
    ),
  },
  {
    name: 'bedrock-data-automation-public-image-text',
    displayName: 'Image: text and description',
    modality: 'IMAGE',
    schema: {
      class: 'ImageText',
      description: 'Any photo or graphic: the text printed in it and a one-line description',
      type: 'object',
      properties: {
        Title: s('The most prominent line of text in the image'),
        Description: s('One sentence describing the image', 'string', 'inferred'),
        HasText: s('Does the image contain readable text?', 'boolean', 'inferred'),
      },
    },
  },
  {
    name: 'bedrock-data-automation-public-audio-call-summary',
    displayName: 'Audio: call / meeting summary',
    modality: 'AUDIO',
    schema: {
      class: 'CallSummary',
      description: 'A recorded call, meeting or speech: summary, topics and action items',
      type: 'object',
      properties: {
        Summary: s('A short summary of what was said', 'string', 'inferred'),
        Topics: {
          type: 'array',
          inferenceType: 'inferred',
          instruction: 'The main topics discussed',
          items: { type: 'string' },
        },
        KeyPhrase: s('The most representative phrase spoken', 'string', 'inferred'),
      },
    },
  },
  {
    name: 'bedrock-data-automation-public-video-summary',
    displayName: 'Video: summary and on-screen text',
    modality: 'VIDEO',
    schema: {
      class: 'VideoSummary',
      description: 'A video: summary of speech and scenes, and the on-screen text',
      type: 'object',
      properties: {
        Summary: { ...s('A short summary of the video', 'string', 'inferred'), granularity: ['video'] },
        OnScreenText: {
          type: 'array',
          inferenceType: 'explicit',
          instruction: 'Text shown on screen',
          items: { type: 'string' },
          granularity: ['video'],
        },
      },
    },
  },
];

export const PUBLIC_BLUEPRINT_PREFIX = 'bedrock-data-automation-public-';

export function publicBlueprintArn(region: string, name: string): string {
  return `arn:aws:bedrock:${region}:aws:blueprint/${name}`;
}

/** A catalog entry from a public ARN (any region), its bare name, or a short name like "invoice". */
export function findCatalogBlueprint(ref: string): CatalogEntry | undefined {
  const name = ref.includes(':blueprint/') ? ref.slice(ref.indexOf(':blueprint/') + ':blueprint/'.length) : ref;
  return (
    CATALOG.find((e) => e.name === name) ??
    CATALOG.find((e) => e.name === `${PUBLIC_BLUEPRINT_PREFIX}${name.toLowerCase()}`) ??
    CATALOG.find((e) => e.displayName.toLowerCase() === name.toLowerCase())
  );
}

export function isPublicBlueprintArn(arn: string): boolean {
  return /^arn:aws:bedrock:[^:]*:aws:blueprint\//.test(arn);
}
