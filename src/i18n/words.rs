//! Single words and joints: severities, typing slips, list separators.

catalogue! {
    pub enum Word {
        Error => "错误", "error";
        Rounding => "舍入", "rounding";
        Missing => "缺失", "missing";
        Warning => "提示", "warning";
        AdjacentSwap => "相邻两位数字颠倒", "two adjacent digits swapped";
        OneDigit => "一位数字错误", "one digit wrong";
        DigitDropped => "漏了一位数字", "a digit dropped";
        DigitDoubled => "多打了一位重复数字", "a digit doubled";
        DecimalShift => "小数点错位", "decimal point misplaced";
        SignFlip => "正负号错误", "sign flipped";
        YuanForWan => "按元填报了万元数", "元 typed for 万元";
        /// `疑似录入错误：3874.26 录成了 3847.26（相邻两位数字颠倒）`: expected, found, slip.
        TypoNote => "疑似录入错误：{} 录成了 {}（{}）", "looks like a typing slip: {} typed as {} ({})";
        /// Between the items of a list in a sentence.
        ListSep => "、", ", ";
        /// Between the clauses of a sentence.
        ClauseSep => "；", "; ";
        /// A word or label quoted.
        Quoted => "\"{}\"", "\"{}\"";
    }
}
